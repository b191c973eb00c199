using Ledger.Events;
using NodaTime;
using static Ledger.Events.FieldSpec;

namespace Ledger.Regions;

public sealed record RegionRegistered(string RegionCode, LocalDate EffectiveDate, string Name, string Level, string ParentCode)
    : ILedgerEvent;

public sealed record RegionFarmlandTargetSet(string RegionCode, LocalDate EffectiveDate,
    decimal RetentionHa, decimal PermanentBasicHa, string PlanRef) : ILedgerEvent;

public static class RegionEventTypes
{
    public static readonly EventTypeSpec[] All =
    [
        EventTypeSpec.For("region.registered", creates: true,
            "A region (GB/T 2260 code) enters the registry. The stream key is the region code.",
            [
                Id("name", "Official name, e.g. 金水区"),
                OneOf("level", "Administrative level; must agree with the code's shape", "province", "prefecture", "county"),
                Text("parentCode", "000000 for a province; otherwise an already registered region directly above it"),
            ],
            v => new RegionRegistered(v.RegionCode, v.EffectiveDate, v.Text("name"), v.Text("level"), v.Text("parentCode"))),
        EventTypeSpec.For("region.farmland-target-set", creates: false,
            "Binding farmland targets for the region (耕地保有量 and 永久基本农田).",
            [
                Positive("retentionHa", "Farmland retention target (耕地保有量), hectares"),
                Positive("permanentBasicHa", "Permanent basic farmland target (永久基本农田), hectares"),
                Text("planRef", "Reference of the plan that sets the targets"),
            ],
            v => new RegionFarmlandTargetSet(v.RegionCode, v.EffectiveDate, v.Decimal("retentionHa"),
                v.Decimal("permanentBasicHa"), v.Text("planRef")),
            v => v.Decimal("permanentBasicHa") > v.Decimal("retentionHa")
                ? [("permanentBasicHa", "must not exceed retentionHa: permanent basic farmland is part of the retained farmland")]
                : []),
    ];
}
