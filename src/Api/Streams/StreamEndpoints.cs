using Ledger.Access;
using Ledger.Api.Access;
using Ledger.Api.Http;
using Ledger.Events;
using Ledger.Ingest;
using Ledger.Streams;
using Marten;
using NodaTime;
using NodaTime.Text;
using Wolverine.Http;

namespace Ledger.Api.Streams;

public static class StreamEndpoints
{
    [WolverineGet("/api/v1/streams/{domain}/{key}")]
    public static async Task<IResult> State(HttpContext http, string domain, string key, IDocumentStore store, CancellationToken ct)
    {
        if (Check(http, domain) is { } problem) return problem;
        if (!TryTimes(http, out var asOf, out var knownAt, out var timeProblem)) return timeProblem!;

        var (history, missing) = await VisibleHistoryAsync(http, domain, key, store, ct);
        if (missing is not null) return missing;

        var state = StreamHistory.Replay(domain, key, history, asOf, knownAt);
        if (state is null)
            return Problems.NotFound(http, $"stream {domain}/{key} did not exist as of {asOf?.ToString() ?? "now"}, as known at {knownAt?.ToString() ?? "now"}");
        return Results.Json(new { domain, key, asOf, knownAt, version = state.Version, state = (object)state }, LedgerJson.Options);
    }

    [WolverineGet("/api/v1/streams/{domain}/{key}/events")]
    public static async Task<IResult> Events(HttpContext http, string domain, string key, IDocumentStore store, CancellationToken ct)
    {
        if (Check(http, domain) is { } problem) return problem;
        if (!TryTimes(http, out _, out var knownAt, out var timeProblem)) return timeProblem!;

        var (history, missing) = await VisibleHistoryAsync(http, domain, key, store, ct);
        if (missing is not null) return missing;

        var events = history.Where(e => knownAt is null || e.RecordedAt <= knownAt).Select(e => new
        {
            eventId = e.EventId, type = e.Type, version = e.Version, sequence = e.Sequence, effectiveDate = e.EffectiveDate,
            recordedAt = e.RecordedAt, client = e.Client, regionCode = e.RegionCode, data = (object)e.Data,
            source = e.DocumentRef is null && e.Note is null ? null : new { documentRef = e.DocumentRef, note = e.Note },
        });
        return Results.Json(new { domain, key, knownAt, events }, LedgerJson.Options);
    }

    /// <summary>The stream's raw history, or a 404/403 problem when it does not exist or lies outside the caller's scope.</summary>
    private static async Task<(IReadOnlyList<HistoricEvent> History, IResult? Problem)> VisibleHistoryAsync(HttpContext http, string domain,
        string key, IDocumentStore store, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var history = await StreamHistory.LoadAsync(session, domain, key, ct);
        if (history.Count == 0) return (history, Problems.NotFound(http, $"stream {domain}/{BatchParser.Clip(key)} does not exist"));
        return http.Client().CanSee(history[0].RegionCode)
            ? (history, null)
            : (history, Problems.Forbidden(http, $"stream {domain}/{key} belongs to region {history[0].RegionCode}, outside scope {http.Client().Scope}"));
    }

    private static IResult? Check(HttpContext http, string domain)
    {
        if (http.Require(Role.Auditor) is { } denied) return denied;
        return EventCatalog.RulesFor(domain) is null
            ? Problems.NotFound(http, $"unknown domain '{BatchParser.Clip(domain)}'; one of: {string.Join(", ", EventCatalog.Domains)}")
            : null;
    }

    private static bool TryTimes(HttpContext http, out LocalDate? asOf, out Instant? knownAt, out IResult? problem)
    {
        asOf = null;
        knownAt = null;
        problem = null;
        var errors = new List<ItemError>();
        if (http.Request.Query["asOf"].ToString() is { Length: > 0 } a)
        {
            var r = LocalDatePattern.Iso.Parse(a);
            if (r.Success) asOf = r.Value;
            else errors.Add(new ItemError("asOf", "must be a date YYYY-MM-DD"));
        }
        if (http.Request.Query["knownAt"].ToString() is { Length: > 0 } k)
        {
            var r = InstantPattern.ExtendedIso.Parse(k);
            if (r.Success) knownAt = r.Value;
            else errors.Add(new ItemError("knownAt", "must be an ISO-8601 UTC instant such as 2026-03-01T08:00:00Z"));
        }
        if (errors.Count > 0) problem = Problems.Validation(http, errors);
        return problem is null;
    }
}
