using Ledger.Storage;
using System.Security.Cryptography;

namespace Ledger.Bench;

/// <summary>
/// Issue 25's ingest goal, in one run: two API processes on one cluster, one keeping no log
/// (database <c>ledger</c>) and one with <c>LEDGER_LOG=1</c> (database <c>ledger_log</c>), fed the same
/// slices of events in alternating rounds (without/with, then with/without, …), so a checkpoint, an
/// autovacuum or a busy neighbour lands on both sides instead of on one run of a pair. The first round
/// of each side prints where its time went (phases, CPU, statements).
/// </summary>
internal static class LogIngestBenchmark
{
    private const int Counties = 40;

    public static async Task RunAsync(int events, int batchSize, int clients, int rounds)
    {
        var root = IngestBenchmark.FindRoot();
        var dataDir = Path.Combine(Path.GetTempPath(), $"ledger-bench-logingest-{Environment.ProcessId}");
        await using var pg = await EmbeddedPostgres.StartAsync(dataDir, durable: true, Console.WriteLine, IngestProfile.ServerOptions);
        await using (var admin = Npgsql.NpgsqlDataSource.Create(pg.ConnectionString()))
        await using (var create = admin.CreateCommand("create database ledger_log"))
            await create.ExecuteNonQueryAsync();
        var sides = new[]
        {
            await Side.StartAsync(root, pg.ConnectionString(), "without the log", new Dictionary<string, string> { ["LEDGER_LOG"] = "0" }, clients),
            await Side.StartAsync(root, pg.ConnectionString("ledger_log"), "with the log", new Dictionary<string, string>
            {
                ["LEDGER_LOG"] = "1", ["LEDGER_LOG_KEY"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            }, clients),
        };
        try
        {
            var perClient = Enumerable.Range(0, clients)
                .Select(c => Workload.ForClient(c, clients, events, Counties).Chunk(batchSize).Select(IngestBenchmark.Body).ToList()).ToList();
            // Both warmed up together: the JIT's start-up work belongs to start-up, and neither side gets a quieter machine for it.
            await Task.WhenAll(sides.Select(s => IngestBenchmark.WarmUpAsync(s.Http, s.Writer, clients, batchSize, Counties)));
            var slices = IngestBenchmark.Slices(perClient, rounds);
            Console.WriteLine($"{perClient.Sum(b => b.Count) * batchSize:N0} events to each side, batches of {batchSize}, {clients} clients, {rounds} rounds ...");
            for (var i = 0; i < slices.Count; i++)
            {
                var order = i % 2 == 0 ? sides : sides.Reverse().ToArray();
                foreach (var side in order)
                {
                    var profile = side.Rounds.Count == 0 ? side.ConnectionString : null;
                    if (profile is not null) Console.WriteLine($"\n-- {side.Name}, its first round --");
                    var timed = await IngestBenchmark.TimeHttpAsync(side.Http, side.Writer, side.Api.Process, slices[i], side.Api.MetricsPort,
                        telemetry: true, profile);
                    side.Rounds.Add((slices[i].Sum(b => b.Count) * batchSize, timed));
                }
                var (without, with) = (sides[0].Rounds[^1], sides[1].Rounds[^1]);
                Console.WriteLine($"round {i + 1}: without {without.Events / without.Timed.Seconds:N0} events/s, with {with.Events / with.Timed.Seconds:N0} events/s, " +
                                  $"ratio {without.Timed.Seconds / with.Timed.Seconds * with.Events / without.Events:F2}×");
            }
            // The log side really kept a log: one entry per link of its chain.
            var logSize = await IngestBenchmark.CountAsync(sides[1].ConnectionString, "select coalesce(max(size), 0) from ledger.log_checkpoints");
            var links = await IngestBenchmark.CountAsync(sides[1].ConnectionString, "select count(*) from ledger.chain");
            if (logSize != links || links == 0) throw new InvalidOperationException($"the log side's log has {logSize} entries for {links} chain links");
            Console.WriteLine($"The log side's log: {logSize:N0} entries, one per chain link.");
            Report(sides, batchSize, clients);
        }
        finally
        {
            foreach (var side in sides) side.Dispose();
            await pg.StopAsync();
            try { Directory.Delete(dataDir, true); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    private static void Report(Side[] sides, int batchSize, int clients)
    {
        Console.WriteLine();
        Console.WriteLine($"| side ({clients} clients, batches of {batchSize}) | events | seconds | events/s | per round | API CPU ms per 1,000 events | batch p50 / p95 / p99 ms |");
        Console.WriteLine("| --- | ---: | ---: | ---: | --- | ---: | --- |");
        foreach (var side in sides)
        {
            var events = side.Rounds.Sum(r => r.Events);
            var seconds = side.Rounds.Sum(r => r.Timed.Seconds);
            var latencies = side.Rounds.SelectMany(r => r.Timed.Latencies).Order().ToList();
            double P(double q) => latencies[Math.Min(latencies.Count - 1, (int)(q * latencies.Count))];
            Console.WriteLine($"| {side.Name} | {events:N0} | {seconds:F1} | {events / seconds:N0} | " +
                              $"{string.Join(", ", side.Rounds.Select(r => (r.Events / r.Timed.Seconds).ToString("N0")))} | " +
                              $"{side.Rounds.Sum(r => r.Timed.ApiCpuSeconds) * 1e6 / events:F1} | {P(0.5):F0} / {P(0.95):F0} / {P(0.99):F0} |");
        }
        var ratios = sides[0].Rounds.Zip(sides[1].Rounds, (a, b) => a.Timed.Seconds / b.Timed.Seconds * b.Events / a.Events).ToList();
        var overall = sides[0].Rounds.Sum(r => r.Timed.Seconds) / sides[1].Rounds.Sum(r => r.Timed.Seconds);
        Console.WriteLine();
        Console.WriteLine($"With the log / without: {overall:F2}× (per round {string.Join(", ", ratios.Select(r => $"{r:F2}×"))}; " +
                          $"median {ratios.Order().ElementAt(ratios.Count / 2):F2}×; goal ≥ 0.9×, issue 25)");
    }

    /// <summary>One API process on its own database of the shared cluster, and the rounds it was timed in.</summary>
    private sealed class Side(string name, string connectionString, HttpClient http, string writer, IngestBenchmark.ApiProcess api) : IDisposable
    {
        public string Name => name;
        public string ConnectionString => connectionString;
        public HttpClient Http => http;
        public string Writer => writer;
        public IngestBenchmark.ApiProcess Api => api;
        public List<(int Events, IngestBenchmark.Timed Timed)> Rounds { get; } = [];

        public static async Task<Side> StartAsync(string root, string connectionString, string name, IReadOnlyDictionary<string, string>? environment,
            int clients)
        {
            var (port, metricsPort) = (IngestBenchmark.FreePort(), IngestBenchmark.FreePort());
            var process = IngestBenchmark.StartApi(root, connectionString, port, telemetry: true, metricsPort, environment);
            var http = new HttpClient(new System.Net.Http.SocketsHttpHandler { MaxConnectionsPerServer = clients * 2 })
            {
                BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(5),
            };
            await IngestBenchmark.WaitForHealth(http);
            var writer = await IngestBenchmark.IssueWriterKey(http);
            await IngestBenchmark.PostAsync(http, writer, IngestBenchmark.Body(Workload.Regions(Counties)));
            return new Side(name, connectionString, http, writer, new IngestBenchmark.ApiProcess(process, metricsPort));
        }

        public void Dispose()
        {
            api.Process.Kill(entireProcessTree: true);
            api.Process.WaitForExit();
            api.Process.Dispose();
            http.Dispose();
        }
    }
}
