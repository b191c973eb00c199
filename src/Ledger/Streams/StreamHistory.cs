using System.Text.Json;
using Ledger.Events;
using Marten;
using NodaTime;

namespace Ledger.Streams;

public sealed record HistoricEvent(Guid EventId, string Type, long Version, long Sequence, LocalDate EffectiveDate,
    Instant RecordedAt, string? Client, string RegionCode, ILedgerEvent Data, string? DocumentRef, string? Note);

/// <summary>A stream's raw history, and its state replayed as of a date and as known at an instant.</summary>
public static class StreamHistory
{
    public static async Task<IReadOnlyList<HistoricEvent>> LoadAsync(IQuerySession session, string domain, string key, CancellationToken ct)
    {
        var events = await session.Events.FetchStreamAsync(EventCatalog.StreamId(domain, key), token: ct);
        return events.Select(e =>
        {
            var data = (ILedgerEvent)e.Data;
            return new HistoricEvent(e.Id, e.EventTypeName, e.Version, e.Sequence, data.EffectiveDate,
                Instant.FromDateTimeOffset(e.Timestamp), e.UserName, data.RegionCode, data, Header(e.Headers, "documentRef"),
                Header(e.Headers, "note"));
        }).ToList();
    }

    /// <summary>
    /// Folds the events effective on or before <paramref name="asOf"/> and recorded at or before
    /// <paramref name="knownAt"/> (null = no limit), in stream order, with the same Apply as ingest.
    /// </summary>
    public static IStreamState? Replay(string domain, string key, IReadOnlyList<HistoricEvent> history, LocalDate? asOf, Instant? knownAt)
    {
        var rules = EventCatalog.RulesFor(domain)!;
        var id = EventCatalog.StreamId(domain, key);
        IStreamState? state = null;
        foreach (var e in history)
        {
            if (asOf is { } d && e.EffectiveDate > d) continue;
            if (knownAt is { } k && e.RecordedAt > k) continue;
            if (state is null && !EventCatalog.For(e.Data.GetType()).CreatesStream) continue;
            state = rules.Apply(state, e.Data, id, e.Version);
        }
        return state;
    }

    private static string? Header(Dictionary<string, object>? headers, string name) =>
        headers is not null && headers.TryGetValue(name, out var v) ? v switch
        {
            JsonElement { ValueKind: JsonValueKind.String } j => j.GetString(),
            null => null,
            _ => v.ToString(),
        } : null;
}
