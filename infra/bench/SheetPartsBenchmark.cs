using System.Diagnostics;
using Ledger.Audit.BalanceSheets;
using Ledger.Demo;
using Ledger.Regions;
using Ledger.Storage;
using NodaTime;
using Npgsql;

namespace Ledger.Bench;

/// <summary>Where a sheet's time goes: the whole sheet beside its land-quota reads and its lineage reads alone, for one region.</summary>
internal static class SheetPartsBenchmark
{
    public static async Task RunAsync(int occupationsPerYear)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), $"ledger-sheetparts-bench-{Environment.ProcessId}");
        await using var pg = await EmbeddedPostgres.StartAsync(dataDir, durable: true, Console.WriteLine);
        try
        {
            var (db, store) = await BenchDatabase.PrepareAsync(pg.ConnectionString());
            await using var storeScope = store;
            var events = await SheetBenchmark.LoadAsync(store, db, new DemoLedger(seed: 7, parcelsPerCounty: 200, prefectures: 10,
                countiesPerPrefecture: 10, occupationsPerYear: occupationsPerYear));
            Console.WriteLine($"\nProvince 990000, 2024, as known now, over {events:N0} events (30 runs after 3 warm-ups):\n");
            Console.WriteLine("| part | p50 ms | p95 ms |");
            Console.WriteLine("| --- | ---: | ---: |");
            var request = new SheetRequest("990000", new LocalDate(2024, 1, 1), new LocalDate(2024, 12, 31), SystemClock.Instance.GetCurrentInstant());
            await TimeAsync("whole sheet (SheetQuery)", () => new SheetQuery(db).BalanceSheetAsync(request, CancellationToken.None));
            await TimeAsync("land-quota reads alone (LandQuotaQuery)", async () =>
            {
                await using var conn = await db.OpenConnectionAsync();
                await using var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
                var scope = RegionScope.Of(request.Region, await LineageReader.LoadAsync(conn, tx, request.KnownAt, [], CancellationToken.None), request.To);
                return await LandQuotaQuery.ReadAsync(conn, tx, request, scope, CancellationToken.None);
            });
            await TimeAsync("lineage load alone (LineageReader)", async () =>
            {
                await using var conn = await db.OpenConnectionAsync();
                return await LineageReader.LoadAsync(conn, null, request.KnownAt, [], CancellationToken.None);
            });
        }
        finally
        {
            await pg.StopAsync();
            try { Directory.Delete(dataDir, true); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    private static async Task TimeAsync<T>(string label, Func<Task<T>> run)
    {
        var times = new List<double>();
        for (var i = 0; i < 33; i++)
        {
            var t = Stopwatch.GetTimestamp();
            await run();
            if (i >= 3) times.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }
        times.Sort();
        Console.WriteLine($"| {label} | {times[times.Count / 2]:F1} | {times[(int)(times.Count * 0.95)]:F1} |");
    }
}
