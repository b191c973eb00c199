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
using NodaTime.Text;
using Wolverine.Http;

namespace Ledger.Api.BalanceSheets;

/// <summary>Contract 1.8: where land of each class went, as a matrix, bitemporal like the sheets.</summary>
public static class LandUseEndpoints
{
    private static readonly DateTimeZone LedgerZone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    [WolverineGet("/api/v1/regions/{code}/land-use/transitions")]
    public static async Task<IResult> Transitions(HttpContext http, string code, Topology topology, IClock clock, CancellationToken ct)
    {
        var q = new QueryParameters(http);
        var now = clock.GetCurrentInstant();
        var lastYear = now.InZone(LedgerZone).Year - 1;
        var from = q.Date("from") ?? new LocalDate(lastYear, 1, 1);
        var to = q.Date("to") ?? new LocalDate(lastYear, 12, 31);
        var knownAt = q.Instant("knownAt") ?? now;
        var level = q.Integer("level", 1, 2) ?? 1;
        if (from > to) q.Errors.Add(new ItemError("to", "must not be before from"));
        if (await BalanceSheetEndpoints.Check(http, code, q, topology, ct) is { } problem) return problem;

        var request = new SheetRequest(code, from, to, knownAt);
        IReadOnlyList<LandUseAccount> parts;
        try
        {
            parts = await topology.EachAsync(topology.Holding(code), (d, _) => new SheetQuery(d.Db).LandUseAsync(request, ct));
        }
        catch (ShardUnavailableException down)
        {
            return down.Problem(http);
        }
        var lines = parts.SelectMany(p => p.Lines).ToList();
        var cells = LandUseLines.Transitions(lines, level, out var opening, out var closing);
        var known = Uri.EscapeDataString(InstantPattern.ExtendedIso.Format(knownAt));
        return Results.Json(new
        {
            region = code, from, to, knownAt, level,
            transitions = cells.Select(c => new
            {
                fromClass = c.From, toClass = c.To, areaHa = c.AreaHa,
                provenance = $"/api/v1/regions/{code}/balance-sheet/provenance?account=landUse&part=reductions&class={c.From}" +
                             $"&otherClass={c.To}&from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}&knownAt={known}",
            }),
            opening, closing,
        }, LedgerJson.Options);
    }
}
