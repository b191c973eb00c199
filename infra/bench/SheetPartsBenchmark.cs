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
    /// <param name="keepIn">A directory to keep the loaded ledger in (loaded once, reused by later runs); null: a temporary one.</param>
    public static async Task RunAsync(int occupationsPerYear, string? keepIn)
    {
        var dataDir = keepIn ?? Path.Combine(Path.GetTempPath(), $"ledger-sheetparts-bench-{Environment.ProcessId}");
        await using var pg = await EmbeddedPostgres.StartAsync(dataDir, durable: true, Console.WriteLine);
        try
        {
            var (db, store) = await BenchDatabase.PrepareAsync(pg.ConnectionString());
            await using var storeScope = store;
            long events;
            await using (var count = db.CreateCommand("select count(*) from ledger.mt_events"))
                events = (long)(await count.ExecuteScalarAsync())!;
            if (events == 0)
                events = await SheetBenchmark.LoadAsync(store, db, new DemoLedger(seed: 7, parcelsPerCounty: 200, prefectures: 10,
                    countiesPerPrefecture: 10, occupationsPerYear: occupationsPerYear));
            await using (var analyze = db.CreateCommand("analyze"))
                await analyze.ExecuteNonQueryAsync();
            Console.WriteLine($"\n2024, as known now, over {events:N0} events (30 runs after 3 warm-ups):\n");
            Console.WriteLine("| part | p50 ms | p95 ms |");
            Console.WriteLine("| --- | ---: | ---: |");
            foreach (var region in new[] { "990101", "990100", "990000" })
            {
                var request = new SheetRequest(region, new LocalDate(2024, 1, 1), new LocalDate(2024, 12, 31), SystemClock.Instance.GetCurrentInstant());
                await TimeAsync($"{region} whole sheet (SheetQuery)", () => new SheetQuery(db).BalanceSheetAsync(request, CancellationToken.None));
                await TimeAsync($"{region} stock totals alone (SheetQuery.StocksAsync)", () => InSnapshot(db, request,
                    async (conn, tx, scope) => await SheetQuery.StocksAsync(conn, tx, request, ScopeSql.Within(scope, "region_code"),
                        await SheetPlan.LatestRecordedAsync(conn, tx, CancellationToken.None), CancellationToken.None)));
                await TimeAsync($"{region} water and targets alone", () => InSnapshot(db, request, async (conn, tx, scope) =>
                    (await SheetQuery.WaterAsync(conn, tx, request, ScopeSql.Within(scope, "region_code"), ScopeSql.PartsFilter(scope), CancellationToken.None)).Count
                    + (await SheetQuery.TargetsAsync(conn, tx, request, ScopeSql.Within(scope, "region_code"), CancellationToken.None)).Count));
                await TimeAsync($"{region} nothing but the snapshot and lineage", () => InSnapshot(db, request, (_, _, scope) => Task.FromResult(scope)));
                var rows = await InSnapshot(db, request, async (conn, tx, scope) =>
                    await SheetQuery.StocksAsync(conn, tx, request, ScopeSql.Within(scope, "region_code"),
                        await SheetPlan.LatestRecordedAsync(conn, tx, CancellationToken.None), CancellationToken.None));
                await TimeAsync($"{region} SheetBuilder alone, in memory ({rows.Count:N0} stock rows)", () =>
                    Task.FromResult(SheetBuilder.Build(request, rows, [], [])));
                await TimeAsync($"{region} land-quota reads alone (LandQuotaQuery)", () => InSnapshot(db, request,
                    async (conn, tx, scope) => await LandQuotaQuery.ReadAsync(conn, tx, request, scope,
                        await SheetPlan.LatestRecordedAsync(conn, tx, CancellationToken.None), CancellationToken.None)));
                await TimeAsync($"{region} overlap liabilities alone (OverlapLiabilities)", () => InSnapshot(db, request,
                    (conn, tx, scope) => OverlapLiabilities.ReadAsync(conn, tx, request, scope, CancellationToken.None)));
                // Again after the parts, with every page they touched in the buffer cache.
                await TimeAsync($"{region} whole sheet again (SheetQuery)", () => new SheetQuery(db).BalanceSheetAsync(request, CancellationToken.None));
            }
            await TimeAsync("lineage load alone (LineageReader)", async () =>
            {
                await using var conn = await db.OpenConnectionAsync();
                return await LineageReader.LoadAsync(conn, null, SystemClock.Instance.GetCurrentInstant(), [], CancellationToken.None);
            });
            foreach (var region in new[] { "990100", "990000" })
                await Explained.RunAsync(pg, $"one {region} sheet", db => new SheetQuery(db).BalanceSheetAsync(new SheetRequest(region,
                    new LocalDate(2024, 1, 1), new LocalDate(2024, 12, 31), SystemClock.Instance.GetCurrentInstant()), CancellationToken.None));
            if (keepIn is not null) Console.WriteLine($"\nLedger kept in {Path.GetFullPath(dataDir)}; run again with --data to reuse it.");
        }
        finally
        {
            await pg.StopAsync();
            if (keepIn is null)
                try { Directory.Delete(dataDir, true); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    private static async Task<T> InSnapshot<T>(NpgsqlDataSource db, SheetRequest request,
        Func<NpgsqlConnection, NpgsqlTransaction, RegionScope, Task<T>> read)
    {
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
        await SheetQuery.NoParallelWorkersAsync(conn, tx, CancellationToken.None);
        var scope = RegionScope.Of(request.Region, await LineageReader.LoadAsync(conn, tx, request.KnownAt, [], CancellationToken.None), request.To);
        return await read(conn, tx, scope);
    }

    /// <summary>Every statement of one whole sheet with its plan and timings (auto_explain), from the server log: where the rest goes.</summary>
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
