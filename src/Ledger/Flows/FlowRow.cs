using Ledger.Events;
using Ledger.Regions;
using NodaTime;

namespace Ledger.Flows;

/// <summary>One row of the flows table.</summary>
public sealed record FlowRow(long Seq, Guid EventId, string StreamId, string RegionCode, Flow Flow, LocalDate EffectiveDate, Instant RecordedAt);

/// <summary>One row of the targets table.</summary>
public sealed record TargetRow(long Seq, Guid EventId, string RegionCode, decimal RetentionHa, decimal PermanentBasicHa,
    LocalDate EffectiveDate, Instant RecordedAt);

/// <summary>What one accepted event contributes to the flat tables.</summary>
public sealed record Projected(IReadOnlyList<Flow> Flows, TargetRow? Target)
{
    public static Projected Of(IStreamState? before, ILedgerEvent e, IStreamState after, long seq, Guid eventId, Instant recordedAt) =>
        new(FlowRules.Of(before, e, after).ToList(), e is RegionFarmlandTargetSet t
            ? new TargetRow(seq, eventId, t.RegionCode, t.RetentionHa, t.PermanentBasicHa, t.EffectiveDate, recordedAt)
            : null);
}
