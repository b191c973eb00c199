using NodaTime;

namespace Ledger.Audit.Departure;

/// <summary>One event as evidence: enough to find it again (stream, version, id) and to judge it (both times, who posted it).</summary>
public sealed record EventRef(long Sequence, Guid EventId, string Type, string Domain, string Stream, long Version,
    LocalDate EffectiveDate, Instant RecordedAt, string Client);

/// <summary>A signed change of one account by one event (a row of the flows projection).</summary>
public sealed record FlowFact(string Account, string Cause, string RegionCode, string StreamId, int? Year, decimal Amount, EventRef Event);

public sealed record OpeningRow(string RegionCode, string Account, decimal Amount);

public sealed record TargetFact(string RegionCode, decimal RetentionHa, decimal PermanentBasicHa, EventRef Event);

public sealed record TenureFacts(string TenureId, string RegionCode, string RegionName, string OfficialId, string OfficialName, string Post,
    LocalDate Start, LocalDate? EndedOn, string? EndReason, IReadOnlyList<EventRef> Events);

/// <summary>
/// Everything a departure audit reads, as known at <see cref="KnownAt"/> and limited to the
/// events at or below chain position <see cref="HighWater"/>: the same inputs give the same report.
/// </summary>
/// <param name="End">The tenure's last day, or the knowledge date for an interim audit.</param>
/// <param name="Opening">Each stock account per county, summed over the flows effective before the tenure.</param>
/// <param name="Flows">Stock flows effective inside the tenure, plus every red-line encroachment flow before it (open encroachments carry over).</param>
/// <param name="Water">Quota and use flows of the tenure's calendar years.</param>
/// <param name="Targets">Farmland target events effective by the end, in order.</param>
/// <param name="Recorded">Events effective inside the tenure that were recorded late or correct earlier ones.</param>
/// <param name="Successions">Successions of the region (or of part of it) effective inside the tenure.</param>
public sealed record AuditInputs(TenureFacts Tenure, LocalDate End, bool Interim, Instant KnownAt, long HighWater,
    IReadOnlyList<OpeningRow> Opening, IReadOnlyList<FlowFact> Flows, IReadOnlyList<FlowFact> Water,
    IReadOnlyList<TargetFact> Targets, IReadOnlyList<EventRef> Recorded, LocalDate LateFrom, IReadOnlyList<EventRef>? Successions = null)
{
    /// <summary>Land quotas and occupations of the tenure's years (read for every report, measured only by rule sets that name them).</summary>
    public LandQuotaFacts LandQuota { get; init; } = LandQuotaFacts.None;

    /// <summary>Overlaps the ledger found effective inside the tenure (read for every report, measured only by rule sets that name them).</summary>
    public IReadOnlyList<OverlapFact> Overlaps { get; init; } = [];

    /// <summary>Land that changed class across farmland's edge inside the tenure (read for every report, measured only by rule sets that name it).</summary>
    public IReadOnlyList<FarmlandChange> FarmlandChanges { get; init; } = [];
}
