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
    /// <summary>Pages of this many events bound what one request holds in memory.</summary>
    public const int PageSize = 1000;

    public static async Task<IReadOnlyList<HistoricEvent>> LoadAsync(IQuerySession session, string domain, string key, CancellationToken ct)
    {
        var events = await session.Events.FetchStreamAsync(EventCatalog.StreamId(domain, key), token: ct);
        return events.Select(ToHistoric).ToList();
    }

    /// <summary>
    /// The region a stream belongs to, from its first event alone (a stream never changes region),
    /// or null when there is no such stream: the scope check reads this before any history.
    /// </summary>
    public static async Task<string?> RegionOfAsync(IQuerySession session, string domain, string key, CancellationToken ct)
    {
        var id = EventCatalog.StreamId(domain, key);
        var first = await session.Events.QueryAllRawEvents().Where(e => e.StreamKey == id && e.Version == 1).ToListAsync(ct);
        return first.Count == 0 ? null : ((ILedgerEvent)first[0].Data).RegionCode;
    }

    /// <summary>Up to <paramref name="limit"/> events after version <paramref name="afterVersion"/>, recorded at or before <paramref name="knownAt"/>.</summary>
    public static async Task<IReadOnlyList<HistoricEvent>> LoadPageAsync(IQuerySession session, string domain, string key, long afterVersion,
        int limit, Instant? knownAt, CancellationToken ct)
    {
        var id = EventCatalog.StreamId(domain, key);
        var query = session.Events.QueryAllRawEvents().Where(e => e.StreamKey == id && e.Version > afterVersion);
        if (knownAt is { } k)
        {
            var recordedBy = k.ToDateTimeOffset();
            query = query.Where(e => e.Timestamp <= recordedBy);
        }
        var events = await query.OrderBy(e => e.Version).Take(limit).ToListAsync(ct);
        return events.Select(ToHistoric).ToList();
    }

    /// <summary><see cref="Replay"/> a page at a time, so a long stream never sits in memory whole.</summary>
    public static async Task<IStreamState?> ReplayAsync(IQuerySession session, string domain, string key, LocalDate? asOf, Instant? knownAt,
        CancellationToken ct)
    {
        IStreamState? state = null;
        for (long after = 0; ;)
        {
            var page = await LoadPageAsync(session, domain, key, after, PageSize, knownAt, ct);
            state = Fold(state, domain, key, page, asOf, knownAt);
            if (page.Count < PageSize) return state;
            after = page[^1].Version;
        }
    }

    private static HistoricEvent ToHistoric(JasperFx.Events.IEvent e)
    {
        var data = (ILedgerEvent)e.Data;
        return new HistoricEvent(e.Id, e.EventTypeName, e.Version, e.Sequence, data.EffectiveDate,
            Instant.FromDateTimeOffset(e.Timestamp), e.UserName, data.RegionCode, data, Header(e.Headers, "documentRef"),
            Header(e.Headers, "note"));
    }

    /// <summary>
    /// Folds the events effective on or before <paramref name="asOf"/> and recorded at or before
    /// <paramref name="knownAt"/> (null = no limit), in stream order, with the same Apply as ingest.
    /// </summary>
    public static IStreamState? Replay(string domain, string key, IReadOnlyList<HistoricEvent> history, LocalDate? asOf, Instant? knownAt) =>
        Fold(null, domain, key, history, asOf, knownAt);

    private static IStreamState? Fold(IStreamState? state, string domain, string key, IReadOnlyList<HistoricEvent> history, LocalDate? asOf,
        Instant? knownAt)
    {
        var rules = EventCatalog.RulesFor(domain)!;
        var id = EventCatalog.StreamId(domain, key);
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
