using System.Diagnostics;
using Ledger.Access;
using Ledger.Api.Access;
using Ledger.Api.Hosting;
using Ledger.Api.Http;
using Ledger.Audit.BalanceSheets;
using Ledger.Events;
using Ledger.Ingest;
using Ledger.Regions;
using Marten;
using NodaTime;
using Wolverine.Http;

namespace Ledger.Api.BalanceSheets;

public static class BalanceSheetEndpoints
{
    private static readonly DateTimeZone LedgerZone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    /// <summary>A region's balance sheet for any period [from, to], as known at an instant. Defaults: the last full calendar year, now.</summary>
    [WolverineGet("/api/v1/regions/{code}/balance-sheet")]
    public static async Task<IResult> Sheet(HttpContext http, string code, Topology topology, IClock clock,
        LedgerMetrics metrics, CancellationToken ct)
    {
        var q = new QueryParameters(http);
        var now = clock.GetCurrentInstant();
        var lastYear = now.InZone(LedgerZone).Year - 1;
        var from = q.Date("from") ?? new LocalDate(lastYear, 1, 1);
        var to = q.Date("to") ?? new LocalDate(lastYear, 12, 31);
        var knownAt = q.Instant("knownAt") ?? now;
        var format = q.OneOf("format", "json", "csv", "xlsx") ?? "json";
        var level = q.Integer("landUseLevel", 1, 2) ?? 1;
        if (from > to) q.Errors.Add(new ItemError("to", "must not be before from"));
        if (await Check(http, code, q, topology, ct) is { } problem) return problem;

        var started = Stopwatch.GetTimestamp();
        BalanceSheet sheet;
        try
        {
            sheet = await SheetAsync(topology, new SheetRequest(code, from, to, knownAt), ct);
        }
        catch (ShardUnavailableException down)
        {
            return down.Problem(http);
        }
        var rendered = Render(http, [sheet], format, $"balance-sheet-{code}-{from:yyyyMMdd}-{to:yyyyMMdd}", series: false, level);
        metrics.SheetBuilt("period", format, started);
        return rendered;
    }

    /// <summary>Calendar-year sheets for [fromYear, toYear]: each year's opening is the previous year's closing.</summary>
    [WolverineGet("/api/v1/regions/{code}/balance-sheet/annual")]
    public static async Task<IResult> Annual(HttpContext http, string code, Topology topology, IClock clock,
        LedgerMetrics metrics, CancellationToken ct)
    {
        var q = new QueryParameters(http);
        var now = clock.GetCurrentInstant();
        var thisYear = now.InZone(LedgerZone).Year;
        var toYear = q.Integer("toYear", 1949, thisYear) ?? thisYear - 1;
        var fromYear = q.Integer("fromYear", 1949, thisYear) ?? toYear - 9;
        var knownAt = q.Instant("knownAt") ?? now;
        var format = q.OneOf("format", "json", "csv", "xlsx") ?? "json";
        var level = q.Integer("landUseLevel", 1, 2) ?? 1;
        if (fromYear > toYear) q.Errors.Add(new ItemError("toYear", "must not be before fromYear"));
        if (toYear - fromYear >= 50) q.Errors.Add(new ItemError("fromYear", "a series spans at most 50 years"));
        if (await Check(http, code, q, topology, ct) is { } problem) return problem;

        var started = Stopwatch.GetTimestamp();
        var list = new List<BalanceSheet>();
        try
        {
            for (var y = fromYear; y <= toYear; y++)
                list.Add(await SheetAsync(topology, new SheetRequest(code, new LocalDate(y, 1, 1), new LocalDate(y, 12, 31), knownAt), ct));
        }
        catch (ShardUnavailableException down)
        {
            return down.Problem(http);
        }
        var rendered = Render(http, list, format, $"balance-sheets-{code}-{fromYear}-{toYear}", series: true, level);
        metrics.SheetBuilt("annual", format, started);
        return rendered;
    }

    /// <summary>
    /// A region's sheet from the database holding its province; the nation's from every database
    /// at once, summed exactly (contract 1.2). With one database this is the one query it always was.
    /// </summary>
    private static async Task<BalanceSheet> SheetAsync(Topology topology, SheetRequest request, CancellationToken ct)
    {
        var parts = await topology.EachAsync(topology.Holding(request.Region), (d, _) => new SheetQuery(d.Db).BalanceSheetAsync(request, ct));
        return SheetMerge.Sum(parts);
    }

    /// <summary>Role, code, parameters, scope and a registered region, in that order: every region read answers them alike.</summary>
    internal static async Task<IResult?> Check(HttpContext http, string code, QueryParameters q, Topology topology, CancellationToken ct)
    {
        if (http.Require(Role.Auditor) is { } denied) return denied;
        if (!RegionCodes.IsWellFormed(code)) q.Errors.Add(new ItemError("code", "must be a six-digit GB/T 2260 region code (000000 = the nation)"));
        if (q.Errors.Count > 0) return Problems.Validation(http, q.Errors);
        if (!http.Client().CanSee(code))
            return Problems.Forbidden(http, $"region {code} is outside the client's scope {http.Client().Scope}");
        if (code == RegionCodes.Nation) return null;
        await using var session = topology.For(code).Store.QuerySession();
        return await session.LoadAsync<RegionState>(EventCatalog.StreamId("region", code), ct) is null
            ? Problems.NotFound(http, $"region {code} is not registered")
            : null;
    }

    private static IResult Render(HttpContext http, IReadOnlyList<BalanceSheet> sheets, string format, string fileName, bool series, int level) => format switch
    {
        "csv" => Results.File(System.Text.Encoding.UTF8.GetPreamble().Concat(System.Text.Encoding.UTF8.GetBytes(SheetTable.Csv(sheets, level))).ToArray(),
            "text/csv; charset=utf-8", fileName + ".csv"),
        "xlsx" => Results.File(SheetWorkbook.Build(sheets, level), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", fileName + ".xlsx"),
        _ => Results.Json(series ? new { sheets = sheets.Select(s => SheetJson.Of(s, level)) } : SheetJson.Of(sheets[0], level), LedgerJson.Options),
    };
}
