using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Audit.BalanceSheets;
using Ledger.Demo;
using Ledger.Ingest;
using Ledger.Storage;
using NodaTime;
using Npgsql;

namespace Ledger.Bench;

/// <summary>
/// Sheet latency with region history: loads the demo-shaped province, measures the province,
/// a prefecture and a county over 2025–2026, then registers a new code for each of N counties and
/// posts N successions on 2026-01-01..(one a day) and measures the same sheets again (and the
/// successor's). Same ledger, same run: the only difference is the successions.
/// </summary>
internal static class SuccessionBenchmark
{
    public static async Task RunAsync(int occupationsPerYear, int successions)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), $"ledger-succession-bench-{Environment.ProcessId}");
        await using var pg = await EmbeddedPostgres.StartAsync(dataDir, durable: true, Console.WriteLine);
        try
        {
            var (db, store) = await BenchDatabase.PrepareAsync(pg.ConnectionString());
            await using var storeScope = store;
            var demo = new DemoLedger(seed: 7, parcelsPerCounty: 200, prefectures: 10, countiesPerPrefecture: 10, occupationsPerYear: occupationsPerYear);
            var events = await SheetBenchmark.LoadAsync(store, db, demo);
            var counties = Enumerable.Range(1, 10).SelectMany(p => Enumerable.Range(1, 10).Select(c => $"99{p:00}{c:00}")).Take(successions).ToList();

            var sheets = new[] { ("990000", "province"), ("990100", "prefecture"), ("990101", "county (predecessor)") };
            var before = await LatencyAsync(db, sheets);
            var watch = Stopwatch.StartNew();
            await SucceedAsync(store, db, counties);
            Console.WriteLine($"\nPosted {counties.Count} successions (each with its new code) in {watch.Elapsed.TotalSeconds:F1} s");
            var after = await LatencyAsync(db, [.. sheets, ("990161", "county (successor of 990101)")]);

            Console.WriteLine($"\nSheet latency over {events:N0} events, period 2025-01-01..2026-12-31, as known now (SheetQuery, 30 runs after 3 warm-ups):\n");
            Console.WriteLine($"| sheet | p50 ms without | p95 ms without | p50 ms with {counties.Count} successions | p95 ms with | p95 ratio |");
            Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
            foreach (var (region, label) in after.Keys)
            {
                var a = after[(region, label)];
                if (before.TryGetValue((region, label), out var b))
                    Console.WriteLine($"| {label} {region} | {b.P50:F1} | {b.P95:F1} | {a.P50:F1} | {a.P95:F1} | {a.P95 / b.P95:F2} |");
                else
                    Console.WriteLine($"| {label} {region} | — | — | {a.P50:F1} | {a.P95:F1} | — |");
            }
        }
        finally
        {
            await pg.StopAsync();
            try { Directory.Delete(dataDir, true); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    /// <summary>County 99PPCC becomes 99PP(CC+60) on 2026-01-01 plus one day per county: an upgrade, after every demo record.</summary>
    private static async Task SucceedAsync(Marten.IDocumentStore store, NpgsqlDataSource db, List<string> counties)
    {
        var clock = new SheetBenchmark.BenchClock { Now = Instant.FromUtc(2026, 9, 1, 0, 0) };
        var ingestor = new Ingestor(store, db, clock);
        var n = 0;
        foreach (var county in counties)
        {
            var successor = county[..4] + (int.Parse(county[4..]) + 60).ToString("00");
            var date = new LocalDate(2026, 1, 1).PlusDays(n++ % 180).ToString("yyyy-MM-dd", null);
            await PostAsync(ingestor, Event("region.registered", successor, date,
                new JsonObject { ["name"] = $"演示区{successor} (synthetic)", ["level"] = "county", ["parentCode"] = county[..4] + "00" }));
            await PostAsync(ingestor, Event("region.succeeded", successor, date,
                new JsonObject { ["predecessors"] = new JsonArray(county), ["reason"] = "upgrade" }));
        }
        await using var conn = await db.OpenConnectionAsync();
        await using var analyze = new NpgsqlCommand("vacuum analyze", conn);
        await analyze.ExecuteNonQueryAsync();
    }

    private static JsonObject Event(string type, string code, string date, JsonObject data) => new()
    {
        ["eventId"] = Guid.NewGuid().ToString(), ["type"] = type, ["stream"] = code, ["regionCode"] = code, ["effectiveDate"] = date, ["data"] = data,
    };

    private static async Task PostAsync(Ingestor ingestor, JsonObject e)
    {
        using var doc = JsonDocument.Parse(new JsonObject { ["events"] = new JsonArray(e) }.ToJsonString());
        var parsed = BatchParser.Parse(doc.RootElement);
        if (parsed.Errors.Count > 0) throw new InvalidOperationException(parsed.Errors[0].ToString());
        var outcome = await ingestor.AppendAsync(parsed.Events, "bench-loader", CancellationToken.None);
        if (outcome.Rejection is { } r) throw new InvalidOperationException(r.Errors[0].ToString());
    }

    private static async Task<Dictionary<(string, string), (double P50, double P95)>> LatencyAsync(NpgsqlDataSource db, (string, string)[] sheets)
    {
        var query = new SheetQuery(db);
        var result = new Dictionary<(string, string), (double, double)>();
        foreach (var (region, label) in sheets)
        {
            var request = new SheetRequest(region, new LocalDate(2025, 1, 1), new LocalDate(2026, 12, 31), SystemClock.Instance.GetCurrentInstant());
            var times = new List<double>();
            for (var i = 0; i < 33; i++)
            {
                var t = Stopwatch.GetTimestamp();
                await query.BalanceSheetAsync(request, CancellationToken.None);
                if (i >= 3) times.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
            times.Sort();
            result[(region, label)] = (times[times.Count / 2], times[(int)(times.Count * 0.95)]);
        }
        return result;
    }
}
