using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace Ledger.Bench;

/// <summary>
/// Where an ingest run's time went: the service's own per-phase histogram
/// (<c>ledger_ingest_phase_duration_seconds</c>), the statements by total time from
/// <c>pg_stat_statements</c>, and the WAL's write and fsync time from <c>pg_stat_wal</c>.
/// </summary>
internal static partial class IngestProfile
{
    /// <summary>Server settings for a profiled cluster.</summary>
    public const string ServerOptions =
        "-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all -c track_wal_io_timing=on -c track_io_timing=on";

    public static async Task ResetAsync(string connectionString)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "create extension if not exists pg_stat_statements; select pg_stat_statements_reset(); select pg_stat_reset_shared('wal');", conn);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>CPU seconds used so far by every PostgreSQL process (backends come and go, so the run reads it before and after).</summary>
    public static double PostgresCpuSeconds()
    {
        var ticks = 0L;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                if (!int.TryParse(Path.GetFileName(dir), out _) || File.ReadAllText(Path.Combine(dir, "comm")).Trim() != "postgres") continue;
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                ticks += long.Parse(fields[11]) + long.Parse(fields[12]); // utime, stime (fields 14 and 15 of stat)
            }
            catch (IOException) { }
        }
        return ticks / 100.0; // USER_HZ
    }

    public static async Task PrintAsync(int metricsPort, Dictionary<string, double> phasesBefore, string connectionString, int batches,
        double apiCpuSeconds, double postgresCpuSeconds, double wallSeconds)
    {
        Console.WriteLine();
        Console.WriteLine($"CPU during the HTTP phase ({wallSeconds:F1} s on {Environment.ProcessorCount} cores = {wallSeconds * Environment.ProcessorCount:F1} core-seconds): " +
                          $"API {apiCpuSeconds:F1} s ({apiCpuSeconds * 1000 / batches:F1} ms per batch), PostgreSQL {postgresCpuSeconds:F1} s " +
                          $"({postgresCpuSeconds * 1000 / batches:F1} ms per batch); the rest went to the benchmark's client and the machine's other work.");
        Console.WriteLine();
        Console.WriteLine($"Server time per batch, by phase (mean over {batches} batches, from ledger_ingest_phase_duration_seconds):");
        Console.WriteLine("| phase | ms per batch | share |");
        Console.WriteLine("| --- | ---: | ---: |");
        var phases = (await PhasesAsync(metricsPort)).Select(p => (Phase: p.Key, Seconds: p.Value - phasesBefore.GetValueOrDefault(p.Key))).ToList();
        var total = phases.Sum(p => p.Seconds);
        foreach (var (phase, seconds) in phases)
            Console.WriteLine($"| {phase} | {seconds * 1000 / batches:F2} | {seconds / total:P1} |");
        Console.WriteLine($"| all phases | {total * 1000 / batches:F2} | |");

        await PrintStatementsAsync(connectionString, batches);
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using (var wal = new NpgsqlCommand(
            "select wal_records, wal_bytes, wal_write, wal_sync, wal_write_time, wal_sync_time, wal_fpi, " +
            "(select checkpoints_timed + checkpoints_req from pg_stat_bgwriter) from pg_stat_wal", conn))
        await using (var r = await wal.ExecuteReaderAsync())
            if (await r.ReadAsync())
                Console.WriteLine($"\nWAL: {r.GetInt64(1) / 1048576.0:N0} MiB, {r.GetInt64(3):N0} syncs taking {r.GetDouble(5):N0} ms " +
                                  $"({r.GetDouble(5) / Math.Max(1, r.GetInt64(3)):F2} ms each), writes {r.GetDouble(4):N0} ms; " +
                                  $"{r.GetDouble(5) / batches:F2} ms of fsync per batch; {r.GetInt64(0):N0} records, " +
                                  $"{r.GetInt64(6):N0} of them full-page images (first change of a page after a checkpoint); " +
                                  $"{r.GetInt64(7)} checkpoints since the server started");
    }

    /// <summary>The statements by total time since <see cref="ResetAsync"/>, per batch.</summary>
    public static async Task PrintStatementsAsync(string connectionString, int batches)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        Console.WriteLine();
        Console.WriteLine("Statements by total time (pg_stat_statements; ms per batch = total / batches):");
        Console.WriteLine("| calls | ms per batch | mean ms | rows | statement |");
        Console.WriteLine("| ---: | ---: | ---: | ---: | --- |");
        await using (var cmd = new NpgsqlCommand(
            "select calls, total_exec_time, mean_exec_time, rows, regexp_replace(query, '\\s+', ' ', 'g') from pg_stat_statements " +
            "where query not like '%pg_stat_statements%' order by total_exec_time desc limit 20", conn))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync())
            {
                var query = r.GetString(4);
                Console.WriteLine($"| {r.GetInt64(0)} | {r.GetDouble(1) / batches:F2} | {r.GetDouble(2):F2} | {r.GetInt64(3)} | {(query.Length > 140 ? query[..140] + "…" : query).Replace("|", "\\|")} |");
            }
    }


    /// <summary>The runtime's GC counters (allocated bytes, collections, pause time) as the exporter serves them now.</summary>
    public static async Task<Dictionary<string, double>> GcAsync(int metricsPort)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}") };
        var text = await http.GetStringAsync("/metrics");
        return GcLine().Matches(text).GroupBy(m => m.Groups[1].Value)
            .ToDictionary(g => g.Key, g => g.Sum(m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)));
    }

    public static void PrintGc(Dictionary<string, double> before, Dictionary<string, double> after, int batches)
    {
        double Delta(string name) => after.GetValueOrDefault(name) - before.GetValueOrDefault(name);
        Console.WriteLine($"GC in the API during the HTTP phase: {Delta("dotnet_gc_heap_total_allocated_bytes_total") / batches / 1048576:F1} MiB allocated per batch, " +
                          $"{Delta("dotnet_gc_collections_total"):N0} collections, {Delta("dotnet_gc_pause_time_seconds_total") * 1000 / batches:F1} ms of pauses per batch");
    }

    [GeneratedRegex("""^(dotnet_gc_heap_total_allocated_bytes_total|dotnet_gc_collections_total|dotnet_gc_pause_time_seconds_total)(?:\{[^}]*\})? ([0-9.eE+-]+)""", RegexOptions.Multiline)]
    private static partial Regex GcLine();

    /// <summary>Seconds spent so far in each ingest phase, as the exporter serves them now (in the order it lists them).</summary>
    public static Task<Dictionary<string, double>> PhasesAsync(int metricsPort) => PhasesOnceCountedAsync(metricsPort, 0);

    /// <summary>
    /// <see cref="PhasesAsync"/> once the histogram has counted <paramref name="batches"/> commits: the exporter serves
    /// scrapes from a short cache, so a read right after a round may not have it yet.
    /// </summary>
    public static async Task<Dictionary<string, double>> PhasesOnceCountedAsync(int metricsPort, int batches)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}") };
        for (var reads = 0; reads < 10_000; reads++)
        {
            var text = await http.GetStringAsync("/metrics");
            var commits = CommitCountLine().Match(text) is { Success: true } m ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
            if (commits >= batches)
                return SumLine().Matches(text).ToDictionary(x => x.Groups[1].Value, x => double.Parse(x.Groups[2].Value, CultureInfo.InvariantCulture));
        }
        throw new TimeoutException($"the phase histogram never counted {batches} committed batches");
    }

    [GeneratedRegex("""^ledger_ingest_phase_duration_seconds_count\{[^}]*phase="commit"[^}]*\} ([0-9.eE+-]+)""", RegexOptions.Multiline)]
    private static partial Regex CommitCountLine();

    [GeneratedRegex("""^ledger_ingest_phase_duration_seconds_sum\{[^}]*phase="([^"]+)"[^}]*\} ([0-9.eE+-]+)""", RegexOptions.Multiline)]
    private static partial Regex SumLine();
}
