using System.Diagnostics;
using Ledger.Chain;
using Ledger.Demo;
using Ledger.Integrity;
using Ledger.Storage;
using Npgsql;

namespace Ledger.Bench;

/// <summary>
/// Verify on a demo-shaped ledger: the whole verification (chain and derived tables, what
/// GET /api/v1/ledger/verify and the CLI run) and the derived-table check alone (what the
/// readiness background check runs). The cluster is kept in <c>--data</c>, loaded once, so the
/// CLI of this or an older build can be timed against the same ledger.
/// </summary>
internal static class VerifyBenchmark
{
    public static async Task RunAsync(string dataDir, int occupationsPerYear, int prefectures, int runs)
    {
        await using var pg = await EmbeddedPostgres.StartAsync(dataDir, durable: true, Console.WriteLine);
        var (db, store) = await BenchDatabase.PrepareAsync(pg.ConnectionString());
        await using var storeScope = store;
        long events;
        await using (var count = db.CreateCommand("select count(*) from ledger.mt_events"))
            events = (long)(await count.ExecuteScalarAsync())!;
        if (events == 0)
        {
            var demo = new DemoLedger(seed: 11, parcelsPerCounty: 200, prefectures: prefectures, countiesPerPrefecture: 10, occupationsPerYear: occupationsPerYear);
            events = await SheetBenchmark.LoadAsync(store, db, demo);
        }
        Console.WriteLine($"\nLedger in {Path.GetFullPath(dataDir)}: {events:N0} events. {runs} runs each after one warm-up:\n");
        // CPU seconds of this process (PostgreSQL's work not included): less at the mercy of a busy machine than wall time.
        Console.WriteLine("| what | p50 s | max s | events/s (p50) | client CPU s (p50) |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");

        var verifier = new ChainVerifier(db, CheckpointSigner.Generate());
        await Time("verify: chain and derived tables (ChainVerifier)", async () =>
        {
            var result = await verifier.VerifyAsync([], CancellationToken.None);
            if (!result.Ok) throw new InvalidOperationException(string.Join("\n", result.Problems.Select(p => p.What)));
        });
        await Time("derived tables alone (DerivedCheck, as readiness runs it)", async () =>
        {
            var problems = await DerivedCheck.RunAsync(db, null, CancellationToken.None);
            if (problems.Count > 0) throw new InvalidOperationException(string.Join("\n", problems.Select(p => p.What)));
        });
        Console.WriteLine($"\nPeak working set of this process: {Process.GetCurrentProcess().PeakWorkingSet64 / 1024 / 1024:N0} MiB");
        Console.WriteLine($"CLI against the same ledger: LEDGER_DATA_DIR={Path.GetFullPath(dataDir)} dotnet src/Api/bin/Release/net10.0/Ledger.Api.dll verify");
        await pg.StopAsync();

        async Task Time(string what, Func<Task> run)
        {
            await run();
            var (seconds, cpu) = (new List<double>(), new List<double>());
            for (var i = 0; i < runs; i++)
            {
                var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                var watch = Stopwatch.StartNew();
                await run();
                seconds.Add(watch.Elapsed.TotalSeconds);
                cpu.Add((Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds);
            }
            seconds.Sort();
            cpu.Sort();
            var p50 = seconds[seconds.Count / 2];
            Console.WriteLine($"| {what} | {p50:F2} | {seconds[^1]:F2} | {events / p50:N0} | {cpu[cpu.Count / 2]:F2} |");
        }
    }
}
