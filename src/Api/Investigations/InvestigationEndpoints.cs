using Ledger.Access;
using Ledger.Api.Access;
using Ledger.Api.Http;
using Ledger.Events;
using Ledger.Flows;
using Ledger.Ingest;
using Ledger.Investigations;
using Ledger.Regions;
using NodaTime;
using Npgsql;
using Wolverine.Http;

namespace Ledger.Api.Investigations;

public static class InvestigationEndpoints
{
    /// <summary>Events of a region by type, effective and recorded ranges, client and minimum back-dating delay (investigator).</summary>
    [WolverineGet("/api/v1/events")]
    public static async Task<IResult> Search(HttpContext http, Hosting.Topology topology, CancellationToken ct)
    {
        if (http.Require(Role.Investigator) is { } denied) return denied;
        var q = new QueryParameters(http);
        var query = ReadQuery(http, q, minDelayDefault: null, types: Types(http, q));
        if (Scope(http, q, query.Region) is { } problem) return problem;
        if (topology.Single(query.Region) is not { } shard) return Hosting.Topology.NotAcrossShards(http, "event search");
        var found = await EventSearch.FindAsync(shard.Db, query, ct);
        return Results.Json(new { events = found.Select(Json), next = found.Count == query.Limit ? found[^1].Sequence : (long?)null },
            LedgerJson.Options);
    }

    /// <summary>
    /// Records back-dated by at least <c>minDelayDays</c> (default 30) and correction events, for a
    /// region and effective period, with the clients that posted them.
    /// </summary>
    [WolverineGet("/api/v1/investigations/back-dating")]
    public static async Task<IResult> BackDating(HttpContext http, Hosting.Topology topology, CancellationToken ct)
    {
        if (http.Require(Role.Investigator) is { } denied) return denied;
        var q = new QueryParameters(http);
        var query = ReadQuery(http, q, minDelayDefault: 30, types: []);
        if (Scope(http, q, query.Region) is { } problem) return problem;
        if (topology.Single(query.Region) is not { } shard) return Hosting.Topology.NotAcrossShards(http, "the back-dating report");
        var backDated = await EventSearch.FindAsync(shard.Db, query, ct);
        var corrections = await EventSearch.FindAsync(shard.Db, query with { Types = EventSearch.CorrectionTypes, MinDelayDays = null }, ct);
        return Results.Json(new
        {
            region = query.Region,
            minDelayDays = query.MinDelayDays,
            backDated = backDated.Select(Json),
            corrections = corrections.Select(Json),
            byClient = backDated.Concat(corrections).DistinctBy(e => e.Sequence).GroupBy(e => e.Client)
                .Select(g => new { client = g.Key, backDated = g.Count(e => e.DelayDays >= query.MinDelayDays), corrections = g.Count(e => EventSearch.CorrectionTypes.Contains(e.Type)) }),
        }, LedgerJson.Options);
    }

    /// <summary>The flows and events behind one balance-sheet figure; their amounts sum to it exactly.</summary>
    [WolverineGet("/api/v1/regions/{code}/balance-sheet/provenance")]
    public static async Task<IResult> Provenance(HttpContext http, string code, Hosting.Topology topology, IClock clock, CancellationToken ct)
    {
        if (http.Require(Role.Auditor) is { } denied) return denied;
        var q = new QueryParameters(http);
        string[] accounts = [.. Accounts.Stocks, Accounts.RedLineEncroachedOpen, .. Ledger.Investigations.Provenance.YearAccounts];
        var account = q.OneOf("account", accounts) ?? Required<string>(q, "account", string.Join(", ", accounts));
        var year = q.Integer("year", 1949, 9999);
        if (year is null && Ledger.Investigations.Provenance.YearAccounts.Contains(account))
            q.Errors.Add(new ItemError("year", "is required for a water or land-quota account: the year whose quota or use the figure is"));
        var part = q.OneOf("part", Ledger.Investigations.Provenance.Parts) ?? "closing";
        var cause = http.Request.Query["cause"].ToString() is { Length: > 0 } c ? c : null;
        var from = q.Date("from") ?? Required<LocalDate?>(q, "from", "a date YYYY-MM-DD");
        var to = q.Date("to") ?? Required<LocalDate?>(q, "to", "a date YYYY-MM-DD");
        var knownAt = q.Instant("knownAt") ?? clock.GetCurrentInstant();
        var after = q.Integer("after", 0, int.MaxValue) ?? 0;
        var limit = q.Integer("limit", 1, 10_000) ?? 1000;
        if (!RegionCodes.IsWellFormed(code)) q.Errors.Add(new ItemError("code", "must be a six-digit GB/T 2260 region code"));
        if (Scope(http, q, code) is { } problem) return problem;
        if (topology.Single(code) is not { } shard) return Hosting.Topology.NotAcrossShards(http, "provenance");

        var (flows, total, count) = await Ledger.Investigations.Provenance.FindAsync(shard.Db,
            new ProvenanceQuery(code, account!, cause, part, from!.Value, to!.Value, knownAt, after, limit, year), ct);
        return Results.Json(new
        {
            region = code, account, cause, part, year, from, to, knownAt, total, count,
            flows = flows.Select(f => new
            {
                sequence = f.Sequence, eventId = f.EventId, stream = f.Stream, regionCode = f.RegionCode, cause = f.Cause, nature = f.Nature,
                effectiveDate = f.EffectiveDate, recordedAt = f.RecordedAt, amount = f.Amount,
            }),
            next = flows.Count == limit ? flows[^1].Sequence : (long?)null,
        }, LedgerJson.Options);
    }

    private static T? Required<T>(QueryParameters q, string name, string what)
    {
        q.Errors.Add(new ItemError(name, $"is required: {what}"));
        return default;
    }

    private static EventQuery ReadQuery(HttpContext http, QueryParameters q, int? minDelayDefault, IReadOnlyList<string> types)
    {
        var region = http.Request.Query["region"].ToString() is { Length: > 0 } r ? r : http.Client().Scope;
        if (!RegionCodes.IsWellFormed(region)) q.Errors.Add(new ItemError("region", "must be a six-digit GB/T 2260 region code"));
        var client = http.Request.Query["client"].ToString() is { Length: > 0 } c ? c : null;
        return new EventQuery(region, types, q.Date("effectiveFrom"), q.Date("effectiveTo"), q.Instant("recordedFrom"), q.Instant("recordedTo"),
            client, q.Integer("minDelayDays", 0, 100_000) ?? minDelayDefault, q.Integer("after", 0, int.MaxValue) ?? 0,
            q.Integer("limit", 1, 10_000) ?? 1000);
    }

    private static IReadOnlyList<string> Types(HttpContext http, QueryParameters q)
    {
        var types = http.Request.Query["types"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var t in types.Where(t => EventCatalog.Find(t) is null))
            q.Errors.Add(new ItemError("types", $"unknown event type '{BatchParser.Clip(t)}'"));
        return types;
    }

    private static IResult? Scope(HttpContext http, QueryParameters q, string region)
    {
        if (q.Errors.Count > 0) return Problems.Validation(http, q.Errors);
        return http.Client().CanSee(region) ? null
            : Problems.Forbidden(http, $"region {region} is outside the client's scope {http.Client().Scope}");
    }

    private static object Json(FoundEvent e) => new
    {
        sequence = e.Sequence, eventId = e.EventId, type = e.Type, stream = e.Stream, regionCode = e.RegionCode,
        effectiveDate = e.EffectiveDate, recordedAt = e.RecordedAt, client = e.Client, delayDays = e.DelayDays,
    };
}
