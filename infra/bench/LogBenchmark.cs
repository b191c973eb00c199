using System.Diagnostics;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Ledger.Chain;
using Ledger.Storage;
using Ledger.Transparency;
using Npgsql;
using Checkpoint = Ledger.Transparency.Checkpoint;

namespace Ledger.Bench;

/// <summary>
/// The transparency log at scale (issue 25's goals): a log of <c>--entries</c> entries is written
/// straight into the log's tables with the service's own appender (entries of random events: the
/// proofs and tiles do not care what was hashed), then the API serves it and inclusion and
/// consistency proofs are timed over HTTP, each checked against the served checkpoint; finally the
/// tiles are mirrored to a folder and <c>ledger-verify log</c> recomputes the whole tree from them.
/// </summary>
internal static class LogBenchmark
{
    private const int Chunk = 65_536;

    public static async Task RunAsync(int entries, int proofs, bool wholeLog)
    {
        var root = IngestBenchmark.FindRoot();
        var dataDir = Path.Combine(Path.GetTempPath(), $"ledger-bench-log-{Environment.ProcessId}");
        var seed = RandomNumberGenerator.GetBytes(32);
        using var keys = new LogKeys(seed, LogKeys.DefaultOrigin);
        await using var pg = await EmbeddedPostgres.StartAsync(dataDir, durable: true, Console.WriteLine, IngestProfile.ServerOptions);
        try
        {
            var (db, store) = await BenchDatabase.PrepareAsync(pg.ConnectionString());
            await store.DisposeAsync();
            var built = await BuildAsync(db, keys.SignerFor("catalogue"), entries);
            Console.WriteLine($"\nLog of {entries:N0} entries written in {built.TotalSeconds:F1} s ({entries / built.TotalSeconds:N0} entries/s, " +
                              $"{Chunk:N0} per transaction, a checkpoint each)");
            await using (var size = db.CreateCommand("select pg_size_pretty(sum(pg_total_relation_size(c.oid))) from pg_class c where c.relname like 'log\\_%' and c.relkind = 'r'"))
                Console.WriteLine($"Log tables on disk: {await size.ExecuteScalarAsync()}");

            var (port, metricsPort) = (IngestBenchmark.FreePort(), IngestBenchmark.FreePort());
            using var api = IngestBenchmark.StartApi(root, pg.ConnectionString(), port, telemetry: false, metricsPort, new Dictionary<string, string>
            {
                ["LEDGER_LOG"] = "1", ["LEDGER_LOG_KEY"] = Convert.ToBase64String(seed), ["LEDGER_RATE_LIMIT"] = "100000",
            });
            try
            {
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(5) };
                await IngestBenchmark.WaitForHealth(http);
                var key = await IngestBenchmark.IssueKeyAsync(http, "bench-auditor", "auditor");
                http.DefaultRequestHeaders.Add("X-Api-Key", key);
                var verifier = keys.SignerFor("catalogue").VerifierKey.ToVerifier();
                await ProofsAsync(http, verifier, entries, proofs);
                await InProcessAsync(db, entries, proofs);
                if (wholeLog) await WholeLogAsync(root, $"http://127.0.0.1:{port}", key, keys.SignerFor("catalogue").VerifierKey.ToString(), entries);
            }
            finally
            {
                api.Kill(entireProcessTree: true);
                await api.WaitForExitAsync();
            }
        }
        finally
        {
            await pg.StopAsync();
            try { Directory.Delete(dataDir, true); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    /// <summary>Appends entries in chunks, each in its own transaction with its own checkpoint, as the log's backfill does.</summary>
    private static async Task<TimeSpan> BuildAsync(NpgsqlDataSource db, INoteSigner signer, int entries)
    {
        var watch = Stopwatch.StartNew();
        var hash = new byte[32];
        for (long at = 0; at < entries; at += Chunk)
        {
            var count = (int)Math.Min(Chunk, entries - at);
            var chunk = new List<byte[]>(count);
            for (var i = 0; i < count; i++)
            {
                RandomNumberGenerator.Fill(hash);
                chunk.Add(new LedgerEntry(at + i + 1, Guid.NewGuid(), Hash.FromBytes(hash)).ToBytes());
            }
            await using var conn = await db.OpenConnectionAsync();
            await using var tx = await conn.BeginTransactionAsync();
            LogHead head;
            await using (var batch = new NpgsqlBatch(conn, tx))
            {
                foreach (var c in LogAppender.HeadCommands()) batch.BatchCommands.Add(c);
                await using var r = await batch.ExecuteReaderAsync();
                head = await LogAppender.ReadHeadAsync(r, default);
            }
            var (writes, _) = LogAppender.Append(head, chunk, signer, DateTime.UtcNow);
            await SqlBatch.ExecuteAsync(conn, tx, writes, default);
            await tx.CommitAsync();
            if ((at / Chunk) % 16 == 15) Console.WriteLine($"  {at + count:N0} entries, {(at + count) / watch.Elapsed.TotalSeconds:N0}/s");
        }
        return watch.Elapsed;
    }

    private static async Task ProofsAsync(HttpClient http, INoteVerifier verifier, int entries, int proofs)
    {
        var note = SignedNote.Parse(await http.GetStringAsync("/api/v1/ledger/logs/catalogue/checkpoint"));
        if (!note.Verify([verifier]).IsValid) throw new InvalidOperationException("the served checkpoint does not verify");
        var checkpoint = Checkpoint.Parse(note.Text);
        if (checkpoint.Size != entries) throw new InvalidOperationException($"served size {checkpoint.Size}, not {entries}");
        var random = new Random(7);

        // A warm-up of 50 of each, then the timed ones: every answer is checked, outside the timing.
        var parts = new Dictionary<string, List<double>>();
        var inclusion = await TimeAsync(proofs, async () =>
        {
            var index = random.NextInt64(entries);
            var watch = Stopwatch.StartNew();
            using var response = await http.GetAsync($"/api/v1/ledger/logs/catalogue/proof/inclusion?index={index}");
            var text = await response.EnsureSuccessStatusCode().Content.ReadAsStringAsync();
            var took = watch.Elapsed;
            var timing = OgcBenchmark.ServerTiming(response.Headers.TryGetValues("Server-Timing", out var t) ? string.Join(", ", t) : null);
            foreach (var (part, ms) in timing.Append(new("outside the endpoint (client, HTTP, middleware)", took.TotalMilliseconds - timing.Values.Sum())))
            {
                if (!parts.TryGetValue(part, out var list)) parts[part] = list = [];
                list.Add(ms);
            }
            var proof = TlogProof.Parse(text);
            if (proof.Index != index || !InclusionProof.Verify(index, checkpoint.Size, MerkleTree.LeafHash(proof.Extra!), proof.Proof, checkpoint.Root))
                throw new InvalidOperationException($"the inclusion proof of {index} does not verify");
            return took;
        });
        var sizes = CheckpointSizes(entries);
        var consistency = await TimeAsync(proofs, async () =>
        {
            var from = sizes[random.Next(sizes.Count)];
            var watch = Stopwatch.StartNew();
            var text = await http.GetStringAsync($"/api/v1/ledger/logs/catalogue/proof/consistency?from={from}&to={entries}");
            var took = watch.Elapsed;
            var old = Checkpoint.Parse(TlogProof.Parse(await http.GetStringAsync($"/api/v1/ledger/logs/catalogue/proof/inclusion?index=0&size={from}")).Checkpoint.Text);
            var hashes = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Hash.ParseBase64).ToList();
            if (from < entries && !ConsistencyProof.Verify(from, entries, hashes, old.Root, checkpoint.Root))
                throw new InvalidOperationException($"the consistency proof from {from} does not verify");
            return took;
        });
        // The floor of any request here: the client, Kestrel and the middleware, no database.
        var floor = await TimeAsync(proofs, async () =>
        {
            var watch = Stopwatch.StartNew();
            await http.GetStringAsync("/health");
            return watch.Elapsed;
        });
        Console.WriteLine($"\n{proofs:N0} proofs each, one client, over HTTP, at {entries:N0} entries:\n");
        Console.WriteLine("| proof | p50 ms | p95 ms | p99 ms | max ms |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
        Row("inclusion (tlog-proof, random index, served checkpoint)", inclusion);
        // Its Server-Timing parts (warm-up included: the parts are for where the time goes, the row above for the goal).
        foreach (var (part, ms) in parts) Row($"– {part}", ms.Order().Select(TimeSpan.FromMilliseconds).ToList());
        Row("consistency (random checkpointed size to the newest)", consistency);
        Row("GET /health (no database: the floor of a request on this machine)", floor);
    }

    /// <summary>The same reads without HTTP, to tell the database's and the proof's share from the request's.</summary>
    private static async Task InProcessAsync(NpgsqlDataSource db, int entries, int proofs)
    {
        var log = new LogReader(db);
        var random = new Random(11);
        var served = await TimeAsync(proofs, async () =>
        {
            var watch = Stopwatch.StartNew();
            await log.ServedCheckpointAsync(default);
            return watch.Elapsed;
        });
        var inclusion = await TimeAsync(proofs, async () =>
        {
            var watch = Stopwatch.StartNew();
            await log.InclusionsAsync([random.NextInt64(entries)], entries, default);
            return watch.Elapsed;
        });
        Console.WriteLine("| in process, no HTTP: the served checkpoint's query | " + Cells(served));
        Console.WriteLine("| in process, no HTTP: one inclusion (its tiles' query and the proof) | " + Cells(inclusion));
    }

    private static string Cells(List<TimeSpan> sorted)
    {
        double P(double q) => sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(q * sorted.Count) - 1)].TotalMilliseconds;
        return $"{P(0.50):F2} | {P(0.95):F2} | {P(0.99):F2} | {sorted[^1].TotalMilliseconds:F2} |";
    }

    /// <summary>
    /// ledger-verify log, as a monitor runs it: first from the API with --mirror (fetching every tile),
    /// then from the mirrored folder alone (the verification itself: read, parse, hash, compare).
    /// </summary>
    private static async Task WholeLogAsync(string root, string url, string key, string logKey, int entries)
    {
        var folder = Directory.CreateTempSubdirectory("ledger-bench-tiles-").FullName;
        try
        {
            var policy = Path.Combine(folder, "policy");
            await File.WriteAllTextAsync(policy, $"log {logKey}\nquorum none\n");
            var mirror = Path.Combine(folder, "mirror");
            var fetched = await VerifyAsync(root, ["log", "--policy", policy, "--url", url, "--key", key, "--database", "catalogue", "--mirror", mirror]);
            var offline = await VerifyAsync(root, ["log", "--policy", policy, "--tiles", mirror]);
            Console.WriteLine($"\nWhole-log verification (ledger-verify log), {entries:N0} entries:\n");
            Console.WriteLine("| from | s (process, start included) | entries/s |");
            Console.WriteLine("| --- | ---: | ---: |");
            Console.WriteLine($"| the API, every tile fetched over HTTP and mirrored | {fetched:F1} | {entries / fetched:N0} |");
            Console.WriteLine($"| the mirrored folder (the verification itself) | {offline:F1} | {entries / offline:N0} |");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<double> VerifyAsync(string root, string[] args)
    {
        var dll = Path.Combine(root, "src/Verifier/bin/Release/net10.0/ledger-verify.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException("build the verifier first: dotnet build src/Verifier -c Release", dll);
        var watch = Stopwatch.StartNew();
        using var p = Process.Start(new ProcessStartInfo("dotnet", [dll, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        var seconds = watch.Elapsed.TotalSeconds;
        if (p.ExitCode != 0) throw new InvalidOperationException($"ledger-verify {args[0]} exited {p.ExitCode}: {await output}{await error}");
        Console.Write(await output);
        return seconds;
    }

    /// <summary>The sizes the build checkpointed: one per chunk.</summary>
    private static List<long> CheckpointSizes(int entries) =>
        Enumerable.Range(1, (entries + Chunk - 1) / Chunk).Select(i => Math.Min((long)i * Chunk, entries)).ToList();

    private static async Task<List<TimeSpan>> TimeAsync(int count, Func<Task<TimeSpan>> one)
    {
        for (var i = 0; i < 50; i++) await one();
        var times = new List<TimeSpan>(count);
        for (var i = 0; i < count; i++) times.Add(await one());
        times.Sort();
        return times;
    }

    private static void Row(string what, List<TimeSpan> sorted)
    {
        double P(double q) => sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(q * sorted.Count) - 1)].TotalMilliseconds;
        Console.WriteLine($"| {what} | {P(0.50):F2} | {P(0.95):F2} | {P(0.99):F2} | {sorted[^1].TotalMilliseconds:F2} |");
    }
}
