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
    public static async Task<IResult> State(HttpContext http, string domain, string key, Hosting.Topology topology, CancellationToken ct)
    {
        if (Check(http, domain, key) is { } problem) return problem;
        if (!TryTimes(http, out var asOf, out var knownAt, out var timeProblem)) return timeProblem!;

        // The stream is in its province's database; with shards, whichever database has it.
        await using var session = (await topology.LocateStreamAsync(EventCatalog.StreamId(domain, key), ct)).Store.QuerySession();
        if (await VisibleAsync(http, session, domain, key, ct) is { } refused) return refused;

        var state = await StreamHistory.ReplayAsync(session, domain, key, asOf, knownAt, ct);
        if (state is null)
            return Problems.NotFound(http, $"stream {domain}/{key} did not exist as of {asOf?.ToString() ?? "now"}, as known at {knownAt?.ToString() ?? "now"}");
        return Results.Json(new { domain, key, asOf, knownAt, version = state.Version, state = (object)state }, LedgerJson.Options);
    }

    /// <summary>
    /// The stream's history a page at a time (<c>afterVersion</c>, <c>limit</c> up to 1,000): a
    /// stream of any length costs one bounded read. <c>next</c> links the following page.
    /// </summary>
    [WolverineGet("/api/v1/streams/{domain}/{key}/events")]
    public static async Task<IResult> Events(HttpContext http, string domain, string key, Hosting.Topology topology, CancellationToken ct)
    {
        if (Check(http, domain, key) is { } problem) return problem;
        if (!TryTimes(http, out _, out var knownAt, out var timeProblem)) return timeProblem!;
        var q = new QueryParameters(http);
        var limit = q.Integer("limit", 1, StreamHistory.PageSize) ?? StreamHistory.PageSize;
        var after = q.Integer("afterVersion", 0, int.MaxValue) ?? 0;
        if (q.Errors.Count > 0) return Problems.Validation(http, q.Errors);

        // The stream is in its province's database; with shards, whichever database has it.
        await using var session = (await topology.LocateStreamAsync(EventCatalog.StreamId(domain, key), ct)).Store.QuerySession();
        if (await VisibleAsync(http, session, domain, key, ct) is { } refused) return refused;

        var page = await StreamHistory.LoadPageAsync(session, domain, key, after, limit, knownAt, ct);
        var events = page.Select(e => new
        {
            eventId = e.EventId, type = e.Type, version = e.Version, sequence = e.Sequence, effectiveDate = e.EffectiveDate,
            recordedAt = e.RecordedAt, client = e.Client, regionCode = e.RegionCode, data = EventData.ForReaders(e.Data),
            source = e.DocumentRef is null && e.Note is null ? null : new { documentRef = e.DocumentRef, note = e.Note },
        });
        var next = page.Count == limit
            ? $"{http.Request.Path}?afterVersion={page[^1].Version}&limit={limit}{(knownAt is null ? "" : $"&knownAt={Uri.EscapeDataString(http.Request.Query["knownAt"].ToString())}")}"
            : null;
        return Results.Json(new { domain, key, knownAt, events, next }, LedgerJson.Options);
    }

    /// <summary>
    /// 404 when the stream does not exist, 403 when it lies outside the caller's scope — decided
    /// from its first event before any history is read, and without naming its region.
    /// </summary>
    private static async Task<IResult?> VisibleAsync(HttpContext http, IQuerySession session, string domain, string key, CancellationToken ct)
    {
        var region = await StreamHistory.RegionOfAsync(session, domain, key, ct);
        if (region is null) return Problems.NotFound(http, $"stream {domain}/{BatchParser.Clip(key)} does not exist");
        return http.Client().CanSee(region)
            ? null
            : Problems.Forbidden(http, $"stream {domain}/{BatchParser.Clip(key)} is outside the scope {http.Client().Scope} of client '{http.Client().Name}'");
    }

    private static IResult? Check(HttpContext http, string domain, string key)
    {
        if (http.Require(Role.Auditor) is { } denied) return denied;
        if (EventCatalog.RulesFor(domain) is null)
            return Problems.NotFound(http, $"unknown domain '{BatchParser.Clip(domain)}'; one of: {string.Join(", ", EventCatalog.Domains)}");
        return EventCatalog.KeyShapeProblem(domain, key) is { } bad ? Problems.Validation(http, [new ItemError("key", bad)]) : null;
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
