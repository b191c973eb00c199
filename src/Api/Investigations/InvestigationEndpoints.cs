using System.Text.Json.Serialization;
using Ledger.Access;
using Ledger.Api.Access;
using Ledger.Api.Hosting;
using Ledger.Api.Http;
using Ledger.Events;
using Ledger.Flows;
using Ledger.Ingest;
using Ledger.Investigations;
using Ledger.Regions;
using NodaTime;
using Wolverine.Http;

namespace Ledger.Api.Investigations;

public static class InvestigationEndpoints
{
    /// <summary>Events of a region by type, effective and recorded ranges, client and minimum back-dating delay (investigator).</summary>
    [WolverineGet("/api/v1/events")]
    public static async Task<IResult> Search(HttpContext http, Topology topology, CancellationToken ct)
    {
        if (http.Require(Role.Investigator) is { } denied) return denied;
        var q = new QueryParameters(http);
        var query = ReadQuery(http, q, minDelayDefault: null, types: Types(http, q));
        var databases = Databases(topology, q, query.Region, query.After);
        if (Scope(http, q, query.Region) is { } problem) return problem;
        var pages = await topology.EachAsync(databases, (d, i) => EventSearch.FindAsync(d.Db, query with { After = NationalPages.AfterIn(query.After, i) }, ct));
        var (found, next) = NationalPages.Join(pages, query.Limit, e => e.Sequence);
        return Results.Json(new { events = found.Select(f => Json(f.Row, Database(topology, databases, f.Database))), next }, LedgerJson.Options);
    }

    /// <summary>
    /// Records back-dated by at least <c>minDelayDays</c> (default 30) and correction events, for a
    /// region and effective period, with the clients that posted them.
    /// </summary>
    [WolverineGet("/api/v1/investigations/back-dating")]
    public static async Task<IResult> BackDating(HttpContext http, Topology topology, CancellationToken ct)
    {
        if (http.Require(Role.Investigator) is { } denied) return denied;
        var q = new QueryParameters(http);
        var query = ReadQuery(http, q, minDelayDefault: 30, types: []);
        var databases = Databases(topology, q, query.Region, query.After);
        if (Scope(http, q, query.Region) is { } problem) return problem;
        var pages = await topology.EachAsync(databases, async (d, i) =>
        {
            var mine = query with { After = NationalPages.AfterIn(query.After, i) };
            return (BackDated: await EventSearch.FindAsync(d.Db, mine, ct),
                Corrections: await EventSearch.FindAsync(d.Db, mine with { Types = EventSearch.CorrectionTypes, MinDelayDays = null }, ct));
        });
        var (backDated, _) = NationalPages.Join(pages.Select(p => p.BackDated).ToList(), query.Limit, e => e.Sequence);
        var (corrections, _) = NationalPages.Join(pages.Select(p => p.Corrections).ToList(), query.Limit, e => e.Sequence);
        return Results.Json(new
        {
            region = query.Region,
            minDelayDays = query.MinDelayDays,
            backDated = backDated.Select(f => Json(f.Row, Database(topology, databases, f.Database))),
            corrections = corrections.Select(f => Json(f.Row, Database(topology, databases, f.Database))),
            byClient = backDated.Concat(corrections).DistinctBy(f => (f.Database, f.Row.Sequence)).Select(f => f.Row).GroupBy(e => e.Client)
                .Select(g => new { client = g.Key, backDated = g.Count(e => e.DelayDays >= query.MinDelayDays), corrections = g.Count(e => EventSearch.CorrectionTypes.Contains(e.Type)) }),
        }, LedgerJson.Options);
    }

    /// <summary>The flows and events behind one balance-sheet figure; their amounts sum to it exactly.</summary>
    [WolverineGet("/api/v1/regions/{code}/balance-sheet/provenance")]
    public static async Task<IResult> Provenance(HttpContext http, string code, Topology topology, IClock clock, CancellationToken ct)
    {
        if (http.Require(Role.Auditor) is { } denied) return denied;
        var q = new QueryParameters(http);
        string[] accounts = [.. Accounts.Stocks, Accounts.RedLineEncroachedOpen, .. Ledger.Investigations.Provenance.YearAccounts, Accounts.LandUse];
        var account = q.OneOf("account", accounts) ?? Required<string>(q, "account", string.Join(", ", accounts));
        var year = q.Integer("year", 1949, 9999);
        if (year is null && Ledger.Investigations.Provenance.YearAccounts.Contains(account))
            q.Errors.Add(new ItemError("year", "is required for a water or land-quota account: the year whose quota or use the figure is"));
        var part = q.OneOf("part", Ledger.Investigations.Provenance.Parts) ?? "closing";
        var (classes, others) = LandUseClasses(http, q, account);
        var cause = http.Request.Query["cause"].ToString() is { Length: > 0 } c ? c : null;
        var from = q.Date("from") ?? Required<LocalDate?>(q, "from", "a date YYYY-MM-DD");
        var to = q.Date("to") ?? Required<LocalDate?>(q, "to", "a date YYYY-MM-DD");
        var knownAt = q.Instant("knownAt") ?? clock.GetCurrentInstant();
        var after = q.Long("after", 0, NationalPages.MaxCursor) ?? 0;
        var limit = q.Integer("limit", 1, 10_000) ?? 1000;
        if (!RegionCodes.IsWellFormed(code)) q.Errors.Add(new ItemError("code", "must be a six-digit GB/T 2260 region code"));
        var databases = Databases(topology, q, code, after);
        if (Scope(http, q, code) is { } problem) return problem;

        // The nation's figure with shards is the sum of every database's: so are its total, count and flows.
        var query = new ProvenanceQuery(code, account!, cause, part, from!.Value, to!.Value, knownAt, after, limit, year, classes, others);
        var found = await topology.EachAsync(databases, (d, i) =>
            Ledger.Investigations.Provenance.FindAsync(d.Db, query with { After = NationalPages.AfterIn(after, i) }, ct));
        var (flows, next) = NationalPages.Join(found.Select(f => f.Flows).ToList(), limit, f => f.Sequence);
        return Results.Json(new
        {
            region = code, account, cause, part, year, from, to, knownAt, total = found.Sum(f => f.Total), count = found.Sum(f => f.Count),
            flows = flows.Select(f => new ProvenanceJson(f.Row.Sequence, f.Row.EventId, f.Row.Stream, f.Row.RegionCode, f.Row.Cause, f.Row.Nature,
                f.Row.EffectiveDate, f.Row.RecordedAt, f.Row.Amount, Database(topology, databases, f.Database))),
            next,
        }, LedgerJson.Options);
    }

    /// <summary>The landUse account's figure is one class's (or 一级类's): <c>class</c> is required, <c>otherClass</c> narrows to a transition.</summary>
    private static (string[]? Classes, string[]? Others) LandUseClasses(HttpContext http, QueryParameters q, string? account)
    {
        var asked = http.Request.Query["class"].ToString();
        var other = http.Request.Query["otherClass"].ToString();
        if (account != Accounts.LandUse)
        {
            if (asked.Length > 0 || other.Length > 0) q.Errors.Add(new ItemError("class", "is only for account landUse"));
            return (null, null);
        }
        var classes = asked.Length == 0 ? Required<string[]>(q, "class", "a 三调 class or 一级类, e.g. 0301 or 03")
            : Ledger.LandUse.LandClasses.Expand(asked) ?? Invalid(q, "class", asked);
        var others = other.Length == 0 ? null : Ledger.LandUse.LandClasses.Expand(other) ?? Invalid(q, "otherClass", other);
        return (classes, others);

        static string[]? Invalid(QueryParameters q, string name, string code)
        {
            q.Errors.Add(new ItemError(name, Ledger.LandUse.LandClasses.Problem(BatchParser.Clip(code)) ?? "is not a class"));
            return null;
        }
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
            client, q.Integer("minDelayDays", 0, 100_000) ?? minDelayDefault, q.Long("after", 0, NationalPages.MaxCursor) ?? 0,
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

    /// <summary>
    /// The databases a region's list reads (every one for the nation with shards), once the cursor
    /// is known to name one of them: a cursor of another list or ledger is a 400, not an empty page.
    /// </summary>
    private static IReadOnlyList<LedgerShard> Databases(Topology topology, QueryParameters q, string region, long after)
    {
        if (!RegionCodes.IsWellFormed(region)) return []; // already an error of its own
        var databases = topology.Holding(region);
        if (NationalPages.DatabaseOf(after) >= databases.Count)
            q.Errors.Add(new ItemError("after", "must be a sequence, or the next cursor this list returned"));
        return databases;
    }

    /// <summary>With shards a sequence is its database's, so each row says which; without, rows are as they always were.</summary>
    private static string? Database(Topology topology, IReadOnlyList<LedgerShard> databases, int index) =>
        topology.Sharded ? databases[index].Name : null;

    private static EventJson Json(FoundEvent e, string? database) =>
        new(e.Sequence, e.EventId, e.Type, e.Stream, e.RegionCode, e.EffectiveDate, e.RecordedAt, e.Client, e.DelayDays, database);

    private sealed record EventJson(long Sequence, Guid EventId, string Type, string Stream, string RegionCode, LocalDate EffectiveDate,
        Instant RecordedAt, string Client, int DelayDays, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Database);

    private sealed record ProvenanceJson(long Sequence, Guid EventId, string Stream, string RegionCode, string Cause, string Nature,
        LocalDate EffectiveDate, Instant RecordedAt, decimal Amount, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Database);
}
