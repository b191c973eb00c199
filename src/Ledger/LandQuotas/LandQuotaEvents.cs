using Ledger.Events;
using NodaTime;
using static Ledger.Events.FieldSpec;

namespace Ledger.LandQuotas;

public sealed record LandQuotaAllocated(string RegionCode, LocalDate EffectiveDate, int Year, decimal FarmlandOccupationHa,
    decimal? NewConstructionHa, string PlanRef) : ILedgerEvent;

public sealed record LandQuotaAdjusted(string RegionCode, LocalDate EffectiveDate, decimal? DeltaFarmlandOccupationHa,
    decimal? DeltaNewConstructionHa, string ApprovalRef) : ILedgerEvent;

public static class LandQuotaEventTypes
{
    public const string DeltaFarmland = "deltaFarmlandOccupationHa";
    public const string DeltaConstruction = "deltaNewConstructionHa";

    public static readonly EventTypeSpec[] All =
    [
        EventTypeSpec.For("landquota.allocated", creates: true,
            "A region's annual land-use plan quota (土地利用年度计划指标). The stream key is regionCode-year, e.g. 410102-2024.",
            [
                Integer("year", "The quota year; must match the stream key", 1949, 2200),
                Positive("farmlandOccupationHa", "Farmland that may be occupied with approval in the year (占用耕地指标), ha"),
                new FieldSpec("newConstructionHa", FieldKind.Positive, false, "New construction land (新增建设用地指标), ha (optional)"),
                Text("planRef", "Reference of the annual plan that allocates the quota"),
            ],
            v => new LandQuotaAllocated(v.RegionCode, v.EffectiveDate, v.Integer("year"), v.Decimal("farmlandOccupationHa"),
                v.OptionalDecimal("newConstructionHa"), v.Text("planRef"))),
        EventTypeSpec.For("landquota.adjusted", creates: false,
            "An approved change of the year's quota: either delta or both (signed, non-zero); the quota may not become negative.",
            [
                new FieldSpec(DeltaFarmland, FieldKind.Delta, false, "Signed, non-zero change of the farmland-occupation quota, ha"),
                new FieldSpec(DeltaConstruction, FieldKind.Delta, false, "Signed, non-zero change of the new-construction quota, ha"),
                Text("approvalRef", "Approval reference"),
            ],
            v => new LandQuotaAdjusted(v.RegionCode, v.EffectiveDate, v.OptionalDecimal(DeltaFarmland), v.OptionalDecimal(DeltaConstruction),
                v.Text("approvalRef")),
            v => v.OptionalDecimal(DeltaFarmland) is null && v.OptionalDecimal(DeltaConstruction) is null
                ? [(DeltaFarmland, $"{DeltaFarmland} or {DeltaConstruction} (or both) is required")]
                : []),
    ];
}
