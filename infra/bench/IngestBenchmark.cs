using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Ledger.Bench;

internal static class IngestBenchmark
{
    private const string AdminKey = "bench-admin-key";
    /// <summary>
    /// How long the API is driven, untimed, before measuring. The JIT's tiering kept the API's CPU per batch high for
    /// tens of seconds (27 % of its CPU in the tiering thread after 80 batches, seen with perf; 58 ms per batch over a
    /// 100k-event run against 37 ms over 400k), so the warm-up is by time, not by count.
    /// </summary>
    internal static readonly TimeSpan Warmup = TimeSpan.FromSeconds(45);
    /// <summary>Warm-up parcels belong to client numbers from here up, so their keys never meet the measured ones.</summary>
    private const int WarmupClient = 50;

    /// <summary>The API process a benchmark drives, and the port its /metrics is served on.</summary>
    public sealed record ApiProcess(Process Process, int MetricsPort);

    /// <summary>A private cluster and the API on it (with <paramref name="environment"/> set besides), for a benchmark body; torn down afterwards.</summary>
    public static async Task WithApiAsync(Func<HttpClient, string, ApiProcess, EmbeddedPostgres, Task> body, int connections,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var root = FindRoot();
        var dataDir = Path.Combine(Path.GetTempPath(), $"ledger-bench-{Environment.ProcessId}-{Guid.NewGuid():N}");
        await using var pg = await EmbeddedPostgres.StartAsync(dataDir, durable: true, Console.WriteLine, IngestProfile.ServerOptions);
        var port = FreePort();
        var metricsPort = FreePort();
        using var api = StartApi(root, pg.ConnectionString(), port, telemetry: true, metricsPort, environment);
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections })
            {
                BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(5),
            };
            await WaitForHealth(http);
            var writer = await IssueWriterKey(http);
            await body(http, writer, new ApiProcess(api, metricsPort), pg);
        }
        finally
        {
            api.Kill(entireProcessTree: true);
            await api.WaitForExitAsync();
            await pg.StopAsync();
            try { Directory.Delete(dataDir, true); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    public static async Task RunAsync(int events, int batchSize, int clients, int rounds)
    {
        var run = await MeasureAsync(events, batchSize, clients, telemetry: true, copyBaseline: true, rounds);
        Report(run, batchSize, clients);
    }

    /// <summary>
    /// Batch latencies are client-side, in ms. <paramref name="ApiCpuSeconds"/>: CPU the API process spent during the HTTP
    /// phase, which other load on a shared machine disturbs far less than throughput. With telemetry on, /metrics is
    /// scraped every 5 s meanwhile, as Prometheus would.
    /// </summary>
    /// <param name="RoundRatios">HTTP / plain Marten per round, when the baseline ran.</param>
    public sealed record Run(int Total, double HttpSeconds, double? MartenSeconds, double? CopySeconds, List<double> Latencies, int Scrapes,
        double ApiCpuSeconds, List<double> RoundRatios);

    internal sealed record Timed(double Seconds, List<double> Latencies, int Scrapes, double ApiCpuSeconds);

    /// <summary>
    /// One fresh cluster and API process; the HTTP ingest, optionally alternating in rounds with plain Marten appends of
    /// the same events, then a raw COPY and where the ingest's time went.
    /// </summary>
    public static async Task<Run> MeasureAsync(int events, int batchSize, int clients, bool telemetry, bool copyBaseline, int rounds = 1)
    {
        var root = FindRoot();
        var dataDir = Path.Combine(Path.GetTempPath(), $"ledger-bench-{Environment.ProcessId}");
        await using var pg = await EmbeddedPostgres.StartAsync(dataDir, durable: true, Console.WriteLine,
            copyBaseline ? IngestProfile.ServerOptions : null);
        var port = FreePort();
        var metricsPort = FreePort();
        using var api = StartApi(root, pg.ConnectionString(), port, telemetry, metricsPort);
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients * 2 })
            {
                BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(5),
            };
            await WaitForHealth(http);
            var writer = await IssueWriterKey(http);
            var counties = 40;
            await PostAsync(http, writer, Body(Workload.Regions(counties)));

            var perClient = Enumerable.Range(0, clients)
                .Select(c => Workload.ForClient(c, clients, events, counties).Chunk(batchSize).Select(Body).ToList()).ToList();
            var total = perClient.Sum(b => b.Count) * batchSize;
            // Untimed first: a service runs for months, so the JIT's start-up work belongs to start-up, not to the steady rate.
            var warmupEvents = await WarmUpAsync(http, writer, clients, batchSize, counties);
            Console.WriteLine($"HTTP ingest: {total:N0} events, batches of {batchSize}, {clients} concurrent clients ...");

            if (!copyBaseline)
            {
                var timed = await TimeHttpAsync(http, writer, api, perClient, metricsPort, telemetry, profile: null);
                var storedOnly = await CountAsync(pg.ConnectionString(), "select count(*) from ledger.mt_events") - Workload.Regions(counties).Length - warmupEvents;
                if (storedOnly != total) throw new InvalidOperationException($"stored {storedOnly} events, expected {total}");
                if (telemetry) await MetricsScraper.CheckAppendedAsync(metricsPort, storedOnly + Workload.Regions(counties).Length + warmupEvents);
                return new Run(total, timed.Seconds, null, null, timed.Latencies, timed.Scrapes, timed.ApiCpuSeconds, []);
            }

            // The HTTP ingest and plain Marten alternate in rounds over slices of the same events, so a minute
            // of a busy neighbour or a checkpoint lands on both sides of the ratio instead of on one phase
            // (one HTTP phase then one Marten phase gave 0.54× to 0.78× for the same commit on one afternoon).
            Console.WriteLine("Plain Marten: its schema and warm-up, untimed ...");
            await using var plain = await PlainMartenBaseline.StartAsync(pg.ConnectionString(),
                Warmups(clients, batchSize, counties, perClient.Sum(b => b.Count)));
            var slices = Slices(perClient, rounds);
            var httpSeconds = 0.0;
            var martenSeconds = 0.0;
            var latencies = new List<double>();
            var perRound = new List<(double Http, double Marten, int Events)>();
            var apiCpu = 0.0;
            var scrapes = 0;
            for (var i = 0; i < slices.Count; i++)
            {
                var sliceEvents = slices[i].Sum(b => b.Count) * batchSize;
                // Where the time went is printed for the first round only: pg_stat_statements would otherwise mix in Marten's statements.
                var timed = await TimeHttpAsync(http, writer, api, slices[i], metricsPort, telemetry, profile: i == 0 ? pg.ConnectionString() : null);
                var marten = await plain.TimeAsync(slices[i]);
                Console.WriteLine($"round {i + 1}: HTTP {sliceEvents / timed.Seconds:N0} events/s, plain Marten {sliceEvents / marten:N0} events/s, " +
                                  $"ratio {marten / timed.Seconds:F2}×");
                httpSeconds += timed.Seconds;
                martenSeconds += marten;
                latencies.AddRange(timed.Latencies);
                apiCpu += timed.ApiCpuSeconds;
                scrapes += timed.Scrapes;
                perRound.Add((timed.Seconds, marten, sliceEvents));
            }
            var stored = await CountAsync(pg.ConnectionString(), "select count(*) from ledger.mt_events") - Workload.Regions(counties).Length - warmupEvents;
            if (stored != total) throw new InvalidOperationException($"stored {stored} events, expected {total}");
            if (telemetry) await MetricsScraper.CheckAppendedAsync(metricsPort, stored + Workload.Regions(counties).Length + warmupEvents);
            Console.WriteLine("Raw COPY of the same rows ...");
            var copySeconds = await CopyBaselineAsync(pg.ConnectionString(), perClient);
            return new Run(total, httpSeconds, martenSeconds, copySeconds, latencies, scrapes, apiCpu,
                perRound.Select(r => r.Marten / r.Http).ToList());
        }
        finally
        {
            api.Kill(entireProcessTree: true);
            await api.WaitForExitAsync();
            await pg.StopAsync();
            try { Directory.Delete(dataDir, true); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    /// <summary>Posts the batches, every client at once; with <paramref name="profile"/> (a connection string), prints where the time went.</summary>
    internal static async Task<Timed> TimeHttpAsync(HttpClient http, string writer, Process api, List<List<string>> perClient, int metricsPort,
        bool telemetry, string? profile)
    {
        if (profile is not null) await IngestProfile.ResetAsync(profile);
        var gcBefore = profile is not null ? await IngestProfile.GcAsync(metricsPort) : [];
        var phasesBefore = profile is not null ? await IngestProfile.PhasesAsync(metricsPort) : [];
        var latencies = new List<double>();
        using var scraping = new CancellationTokenSource();
        var scrapes = telemetry ? MetricsScraper.EveryFiveSecondsAsync(metricsPort, scraping.Token) : Task.FromResult(0);
        api.Refresh();
        var cpuBefore = api.TotalProcessorTime;
        var pgCpuBefore = IngestProfile.PostgresCpuSeconds();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(perClient.Select(batches => Task.Run(async () =>
        {
            foreach (var body in batches)
            {
                var t = Stopwatch.GetTimestamp();
                await PostAsync(http, writer, body);
                lock (latencies) latencies.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            }
        })));
        var seconds = clock.Elapsed.TotalSeconds;
        api.Refresh();
        var apiCpuSeconds = (api.TotalProcessorTime - cpuBefore).TotalSeconds;
        var pgCpuSeconds = IngestProfile.PostgresCpuSeconds() - pgCpuBefore;
        await scraping.CancelAsync();
        var scraped = await scrapes;
        if (profile is not null)
        {
            var batches = perClient.Sum(b => b.Count);
            await IngestProfile.PrintAsync(metricsPort, phasesBefore, profile, batches, apiCpuSeconds, pgCpuSeconds, seconds);
            IngestProfile.PrintGc(gcBefore, await IngestProfile.GcAsync(metricsPort), batches);
        }
        return new Timed(seconds, latencies, scraped, apiCpuSeconds);
    }

    /// <summary>Each client's batches cut into <paramref name="rounds"/> consecutive slices (the last takes the remainder).</summary>
    internal static List<List<List<string>>> Slices(List<List<string>> perClient, int rounds) =>
        Enumerable.Range(0, rounds).Select(r => perClient.Select(batches =>
        {
            var size = batches.Count / rounds;
            return batches.Skip(r * size).Take(r == rounds - 1 ? batches.Count - r * size : size).ToList();
        }).ToList()).ToList();

    /// <summary>Posts warm-up batches from every client until <see cref="Warmup"/> has passed; returns the events posted.</summary>
    internal static async Task<int> WarmUpAsync(HttpClient http, string writer, int clients, int batchSize, int counties)
    {
        Console.WriteLine($"Warming up for {Warmup.TotalSeconds:F0} s, untimed ...");
        var until = Stopwatch.StartNew();
        var posted = 0;
        await Task.WhenAll(Warmups(clients, batchSize, counties, 100_000).Select(batches => Task.Run(async () =>
        {
            foreach (var body in batches)
            {
                if (until.Elapsed > Warmup) return;
                await PostAsync(http, writer, body);
                Interlocked.Add(ref posted, batchSize);
            }
        })));
        return posted;
    }

    /// <summary>Warm-up batches per client: parcels of client numbers from <see cref="WarmupClient"/> up, never the measured ones.</summary>
    private static List<IEnumerable<string>> Warmups(int clients, int batchSize, int counties, int batchesPerClient) =>
        Enumerable.Range(0, clients)
            .Select(c => Workload.ForClient(WarmupClient + c, clients, batchesPerClient * batchSize * clients, counties).Chunk(batchSize).Select(Body))
            .ToList();

    private static void Report(Run run, int batchSize, int clients)
    {
        var latencies = run.Latencies;
        latencies.Sort();
        double P(double q) => latencies[Math.Min(latencies.Count - 1, (int)(q * latencies.Count))];
        var httpRate = run.Total / run.HttpSeconds;
        var martenRate = run.Total / run.MartenSeconds!.Value;
        var copyRate = run.Total / run.CopySeconds!.Value;
        var ratios = run.RoundRatios.Order().ToList();
        Console.WriteLine();
        Console.WriteLine($"| path | events | seconds | events/s |");
        Console.WriteLine($"| --- | ---: | ---: | ---: |");
        Console.WriteLine($"| HTTP POST /api/v1/events ({clients} clients, batches of {batchSize}) | {run.Total:N0} | {run.HttpSeconds:F1} | {httpRate:N0} |");
        Console.WriteLine($"| plain Marten appends of the same events ({clients} writers, a session per batch) | {run.Total:N0} | {run.MartenSeconds:F1} | {martenRate:N0} |");
        Console.WriteLine($"| raw COPY of the same rows into a plain table ({clients} connections) | {run.Total:N0} | {run.CopySeconds:F1} | {copyRate:N0} |");
        Console.WriteLine();
        Console.WriteLine($"HTTP / plain Marten: {httpRate / martenRate:F2}× over {ratios.Count} alternating rounds " +
                          $"(per round {string.Join(", ", run.RoundRatios.Select(r => $"{r:F2}×"))}; median {ratios[ratios.Count / 2]:F2}×); " +
                          $"HTTP / COPY: {httpRate / copyRate:P1}; plain Marten / COPY: {martenRate / copyRate:P1}");
        Console.WriteLine($"batch latency ms: p50 {P(0.5):F0}, p95 {P(0.95):F0}, p99 {P(0.99):F0}, max {latencies[^1]:F0}");
    }

    /// <summary>The same event rows, COPYed in binary into a table with the same two unique keys the event table has.</summary>
    internal static async Task<double> CopyBaselineAsync(string connectionString, List<List<string>> perClient)
    {
        await using (var conn = new NpgsqlConnection(connectionString))
        {
            await conn.OpenAsync();
            await using var create = new NpgsqlCommand("""
                drop table if exists bench_copy;
                create table bench_copy (seq bigserial primary key, id uuid not null unique, stream_id varchar not null,
                  version bigint not null, type varchar not null, data jsonb not null, timestamp timestamptz not null,
                  user_name varchar, headers jsonb, unique (stream_id, version));
                """, conn);
            await create.ExecuteNonQueryAsync();
        }

        var rows = perClient.Select(batches => batches.SelectMany(b => JsonNode.Parse(b)!["events"]!.AsArray()).Select(n => n!.AsObject()).ToList()).ToList();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(rows.Select(async share =>
        {
            await using var conn = new NpgsqlConnection(connectionString);
            await conn.OpenAsync();
            await using var copy = await conn.BeginBinaryImportAsync(
                "copy bench_copy (id, stream_id, version, type, data, timestamp, user_name, headers) from stdin (format binary)");
            var versions = new Dictionary<string, long>();
            foreach (var e in share)
            {
                var stream = e["stream"]!.GetValue<string>();
                versions[stream] = versions.GetValueOrDefault(stream) + 1;
                await copy.StartRowAsync();
                await copy.WriteAsync(Guid.Parse(e["eventId"]!.GetValue<string>()), NpgsqlDbType.Uuid);
                await copy.WriteAsync("farmland:" + stream, NpgsqlDbType.Varchar);
                await copy.WriteAsync(versions[stream], NpgsqlDbType.Bigint);
                await copy.WriteAsync(e["type"]!.GetValue<string>(), NpgsqlDbType.Varchar);
                await copy.WriteAsync(e["data"]!.ToJsonString(), NpgsqlDbType.Jsonb);
                await copy.WriteAsync(DateTime.UtcNow, NpgsqlDbType.TimestampTz);
                await copy.WriteAsync("bench-writer", NpgsqlDbType.Varchar);
                await copy.WriteAsync("{\"contentHash\":\"0000000000000000000000000000000000000000000000000000000000000000\"}", NpgsqlDbType.Jsonb);
            }
            await copy.CompleteAsync();
        }));
        return clock.Elapsed.TotalSeconds;
    }

    internal static string Body(JsonObject[] events) =>
        new JsonObject { ["events"] = new JsonArray(events.Select(e => (JsonNode)e).ToArray()) }.ToJsonString();

    internal static async Task PostAsync(HttpClient http, string key, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Api-Key", key);
        using var response = await http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"POST failed {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    internal static Task<string> IssueWriterKey(HttpClient http) => IssueKeyAsync(http, "bench-writer", "writer");

    internal static async Task<string> IssueKeyAsync(HttpClient http, string name, string role)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/admin/keys")
        {
            Content = JsonContent.Create(new { name, role, scope = "000000" }),
        };
        request.Headers.Add("X-Api-Key", AdminKey);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }

    internal static async Task WaitForHealth(HttpClient http)
    {
        for (var i = 0; i < 240; i++)
        {
            try
            {
                if ((await http.GetAsync("/health")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(250);
        }
        throw new TimeoutException("the API did not become healthy within 60 s");
    }

    internal static readonly string CheckpointKeyFile = Path.Combine(Path.GetTempPath(), $"ledger-bench-checkpoint-{Environment.ProcessId}.pem");

    internal static Process StartApi(string root, string connectionString, int port, bool telemetry, int metricsPort,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var dll = Path.Combine(root, "src/Api/bin/Release/net10.0/Ledger.Api.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException("build the API first: dotnet build src/Api -c Release", dll);
        var psi = new ProcessStartInfo("dotnet", [dll, "--urls", $"http://127.0.0.1:{port}"]) { RedirectStandardOutput = true };
        psi.Environment["LEDGER_DB"] = connectionString;
        psi.Environment["LEDGER_DEMO"] = "0";
        psi.Environment["LEDGER_BOOTSTRAP_ADMIN_KEY"] = AdminKey;
        psi.Environment["LEDGER_CHECKPOINT_KEY_FILE"] = CheckpointKeyFile;
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        psi.Environment["LEDGER_TELEMETRY"] = telemetry ? "1" : "0";
        psi.Environment["LEDGER_METRICS_URLS"] = $"http://127.0.0.1:{metricsPort}";
        // The service as shipped keeps the transparency log; its key is a throwaway one, not a file in the repository.
        psi.Environment["LEDGER_LOG_KEY"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) psi.Environment[name] = value;
        var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        return p;
    }

    internal static async Task<long> CountAsync(string connectionString, string sql)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    internal static int FreePort()
    {
        var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        var port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    internal static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Ledger.sln"))) return d.FullName;
        throw new DirectoryNotFoundException("Ledger.sln not found above the benchmark");
    }
}
