using Ledger.Events;
using NodaTime;
using static Ledger.Events.FieldSpec;

namespace Ledger.Regions;

public sealed record RegionRegistered(string RegionCode, LocalDate EffectiveDate, string Name, string Level, string ParentCode)
    : ILedgerEvent;

public sealed record RegionFarmlandTargetSet(string RegionCode, LocalDate EffectiveDate,
    decimal RetentionHa, decimal PermanentBasicHa, string PlanRef) : ILedgerEvent;

/// <summary>
/// <see cref="RegionCode"/> succeeds <see cref="Predecessors"/> from the effective date, which retires their codes.
/// For a split, <see cref="Streams"/> lists the predecessor's streams this successor takes (the successor listing none takes the rest).
/// </summary>
public sealed record RegionSucceeded(string RegionCode, LocalDate EffectiveDate, IReadOnlyList<string> Predecessors, string Reason,
    IReadOnlyList<string>? Streams) : ILedgerEvent;

public static class RegionEventTypes
{
    public const int MaxPredecessors = 50;
    public const int MaxSplitStreams = 100_000;
    // Declared before All: static fields initialise in order.
    public static readonly string[] Reasons = ["merger", "split", "upgrade", "renaming", "transfer"];

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
        EventTypeSpec.For("region.succeeded", creates: false,
            "The region (the stream key, already registered) succeeds the predecessors from the effective date: their codes are retired "
            + "then, their streams go on under this code and its sheet includes their history. A split is one batch with one event per "
            + "successor, all naming the same single predecessor; each lists the streams it takes except one, which takes the rest.",
            [
                CodeList("predecessors", "Codes of the registered regions this one succeeds (same level)", 1, MaxPredecessors),
                OneOf("reason", "Why the codes changed", Reasons),
                StreamList("streams", "Split only: the predecessor's streams this successor takes, as domain/key", MaxSplitStreams),
            ],
            v => new RegionSucceeded(v.RegionCode, v.EffectiveDate, v.List("predecessors"), v.Text("reason"), v.OptionalList("streams")),
            Succession.ShapeProblems),
    ];

}
