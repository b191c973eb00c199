using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Audit.BalanceSheets;
using Ledger.Demo;
using Ledger.Flows;
using Ledger.Ingest;
using Ledger.Storage;
using NodaTime;
using Npgsql;

namespace Ledger.Bench;

/// <summary>
/// Balance-sheet benchmark: loads demo-shaped events (recorded a week after they took effect,
/// as a provincial feed would), then measures the flow rebuild beside a raw COPY of the same
/// flow rows, and sheet latency for a county, a prefecture and the province.
/// </summary>
internal static class SheetBenchmark
{
    internal sealed class BenchClock : IClock
    {
        public Instant Now { get; set; }
        public Instant GetCurrentInstant() => Now;
    }

    public static async Task RunAsync(int occupationsPerYear)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), $"ledger-sheets-bench-{Environment.ProcessId}");
        await using var pg = await EmbeddedPostgres.StartAsync(dataDir, durable: true, Console.WriteLine);
        try
        {
            var (db, store) = await BenchDatabase.PrepareAsync(pg.ConnectionString());
            await using var storeScope = store;
            var demo = new DemoLedger(seed: 7, parcelsPerCounty: 200, prefectures: 10, countiesPerPrefecture: 10, occupationsPerYear: occupationsPerYear);
            var events = await LoadAsync(store, db, demo);

            Console.WriteLine("Rebuilding the flows from the events ...");
            var rebuild = await new FlowRebuilder(db, Console.WriteLine).RunAsync(replace: false, CancellationToken.None);
            if (!rebuild.Matches) throw new InvalidOperationException("the rebuilt flows differ from the live ones");
            var copySeconds = await CopyBaselineAsync(db);

            Console.WriteLine();
            Console.WriteLine("| path | events | seconds | events/s |");
            Console.WriteLine("| --- | ---: | ---: | ---: |");
            Console.WriteLine($"| flow rebuild from the events (read, deserialise, fold, derive, COPY) | {rebuild.Events:N0} | {rebuild.Seconds:F1} | {rebuild.EventsPerSecond:N0} |");
            Console.WriteLine($"| raw COPY of the same flow rows into a plain table | {rebuild.Events:N0} | {copySeconds:F1} | {rebuild.Events / copySeconds:N0} |");
            Console.WriteLine($"\nrebuild / COPY ratio: {rebuild.EventsPerSecond / (rebuild.Events / copySeconds):P1}");

            await LatencyAsync(db, events);

            var verifier = new Ledger.Chain.ChainVerifier(db, Ledger.Chain.CheckpointSigner.Generate());
            var watch = Stopwatch.StartNew();
            var verified = await verifier.VerifyAsync([], CancellationToken.None);
            if (!verified.Ok) throw new InvalidOperationException("the ledger did not verify");
            Console.WriteLine($"\nVerification (chain and derived tables): {verified.EventsChecked:N0} events in {watch.Elapsed.TotalSeconds:F1} s = {verified.EventsChecked / watch.Elapsed.TotalSeconds:N0} events/s");
        }
        finally
        {
            await pg.StopAsync();
            try { Directory.Delete(dataDir, true); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    /// <summary>Loads a demo ledger through the ingest rules, each batch recorded a week after its last effective date.</summary>
    internal static async Task<int> LoadAsync(Marten.IDocumentStore store, NpgsqlDataSource db, DemoLedger demo)
    {
        var events = demo.Events().OrderBy(e => e["effectiveDate"]!.GetValue<string>(), StringComparer.Ordinal).ToList();
        Console.WriteLine($"Loading {events.Count:N0} demo-shaped events through the ingest rules ...");
        var clock = new BenchClock();
        var ingestor = new Ingestor(store, db, clock);
        var watch = Stopwatch.StartNew();
        var loaded = 0;
        foreach (var chunk in DemoLedger.Batches(events, 1000))
        {
            var latest = LocalDate.FromDateOnly(DateOnly.Parse(chunk[^1]["effectiveDate"]!.GetValue<string>()));
            clock.Now = latest.PlusDays(7).AtMidnight().InUtc().ToInstant();
            using var doc = JsonDocument.Parse(new JsonObject { ["events"] = new JsonArray(chunk.Select(e => (JsonNode)e).ToArray()) }.ToJsonString());
            var parsed = BatchParser.Parse(doc.RootElement);
            if (parsed.Errors.Count > 0) throw new InvalidOperationException(parsed.Errors[0].ToString());
            var outcome = await ingestor.AppendAsync(parsed.Events, "bench-loader", CancellationToken.None);
            if (outcome.Rejection is { } r) throw new InvalidOperationException(r.Errors[0].ToString());
            loaded += chunk.Length;
            if (loaded % 100_000 < 1000) Console.WriteLine($"  {loaded:N0}/{events.Count:N0} ({loaded / watch.Elapsed.TotalSeconds:N0} events/s)");
        }
        await using var conn = await db.OpenConnectionAsync();
        await using var analyze = new NpgsqlCommand("vacuum analyze", conn);
        await analyze.ExecuteNonQueryAsync();
        return events.Count;
    }

    private static async Task<double> CopyBaselineAsync(NpgsqlDataSource db)
    {
        await using var conn = await db.OpenConnectionAsync();
        var s = LedgerStore.Schema;
        await using (var create = new NpgsqlCommand($"drop table if exists {s}.bench_flow_copy; create unlogged table {s}.bench_flow_copy (like {s}.flows)", conn))
            await create.ExecuteNonQueryAsync();
        var rows = new List<object?[]>();
        await using (var read = new NpgsqlCommand($"select * from {s}.flows", conn))
        await using (var r = await read.ExecuteReaderAsync())
            while (await r.ReadAsync())
                rows.Add([r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetGuid(4), r.GetString(5), r.GetString(6),
                    r.IsDBNull(7) ? null : r.GetInt32(7), r.GetFieldValue<DateOnly>(8), r.GetFieldValue<DateTime>(9), r.GetDecimal(10)]);
        var watch = Stopwatch.StartNew();
        await using (var copy = await conn.BeginBinaryImportAsync($"copy {s}.bench_flow_copy from stdin (format binary)"))
        {
            foreach (var row in rows)
            {
                await copy.StartRowAsync();
                for (var i = 0; i < row.Length; i++)
                    if (row[i] is null) await copy.WriteNullAsync();
                    else await copy.WriteAsync(row[i], Types[i]);
            }
            await copy.CompleteAsync();
        }
        return watch.Elapsed.TotalSeconds;
    }

    private static readonly NpgsqlTypes.NpgsqlDbType[] Types =
    [
        NpgsqlTypes.NpgsqlDbType.Bigint, NpgsqlTypes.NpgsqlDbType.Text, NpgsqlTypes.NpgsqlDbType.Text, NpgsqlTypes.NpgsqlDbType.Text,
        NpgsqlTypes.NpgsqlDbType.Uuid, NpgsqlTypes.NpgsqlDbType.Text, NpgsqlTypes.NpgsqlDbType.Text, NpgsqlTypes.NpgsqlDbType.Integer,
        NpgsqlTypes.NpgsqlDbType.Date, NpgsqlTypes.NpgsqlDbType.TimestampTz, NpgsqlTypes.NpgsqlDbType.Numeric,
    ];

    private static async Task LatencyAsync(NpgsqlDataSource db, int events)
    {
        var query = new SheetQuery(db);
        var now = SystemClock.Instance.GetCurrentInstant();
        var past = Instant.FromUtc(2021, 7, 1, 0, 0);
        Console.WriteLine($"\nSheet latency over {events:N0} events, period 2024-01-01..2024-12-31 (SheetQuery, 30 runs after 3 warm-ups):\n");
        Console.WriteLine("| region | knownAt | p50 ms | p95 ms |");
        Console.WriteLine("| --- | --- | ---: | ---: |");
        foreach (var (region, label) in new[] { ("990101", "county"), ("990100", "prefecture"), ("990000", "province") })
        foreach (var (knownAt, when) in new[] { (now, "now"), (past, "2021-07-01") })
        {
            var request = new SheetRequest(region, new LocalDate(2024, 1, 1), new LocalDate(2024, 12, 31), knownAt);
            var times = new List<double>();
            for (var i = 0; i < 33; i++)
            {
                var t = Stopwatch.GetTimestamp();
                await query.BalanceSheetAsync(request, CancellationToken.None);
                if (i >= 3) times.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
            times.Sort();
            Console.WriteLine($"| {label} {region} | {when} | {times[times.Count / 2]:F1} | {times[(int)(times.Count * 0.95)]:F1} |");
        }
    }
}
