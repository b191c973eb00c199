using Ledger.Events;
using NodaTime;

namespace Ledger.Ingest;

/// <summary>One well-formed posted event, not yet checked against the ledger's state.</summary>
public sealed record IncomingEvent(
    int Index,
    Guid EventId,
    EventTypeSpec Spec,
    string Key,
    string RegionCode,
    LocalDate EffectiveDate,
    long? ExpectedVersion,
    ILedgerEvent Event,
    string? DocumentRef,
    string? Note,
    string ContentHash,
    Spatial.Shape? Shape = null)
{
    public string StreamId => EventCatalog.StreamId(Spec.Domain, Key);
}

/// <summary>A problem with one item of a batch: <c>events[3].data.areaHa</c> and what is wrong with it.</summary>
public sealed record ItemError(string Field, string Message);

public sealed record IngestResult(Guid EventId, string Status, string Stream, long Version, long Sequence, Instant RecordedAt);
