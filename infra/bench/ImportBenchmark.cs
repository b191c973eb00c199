using System.Diagnostics;
using Ledger.Storage;
using Npgsql;

namespace Ledger.Bench;

/// <summary>
/// Issue 27's import goal: a 三调-style GeoPackage (<see cref="CountyBenchmark.WriteGeoPackage"/>: 21-position parcels, BSM, DLBM,
/// TBDLMJ, ZLDWDM) imported through <c>POST /api/v1/imports</c> at ≥ 0.2× the rate of GDAL's <c>ogr2ogr -f PostgreSQL</c> (COPY)
/// loading the same file into PostGIS on the same cluster, the two alternating in rounds. With <c>--parallel N</c> each part loads
/// N counties at once, and the CPU of the API and of PostgreSQL shows whether concurrent imports use more than one core.
/// </summary>
internal static class ImportBenchmark
{
    /// <summary>The import's batch size (<c>ImportRunner.BatchSize</c>): its batches are what the phase histogram counts.</summary>
    private const int ImportBatch = Ledger.Imports.ImportRunner.BatchSize;

    /// <summary>One part of a round: <paramref name="Each"/> is every file's own seconds (the part's are the longest), <paramref name="Upload"/> the slowest upload.</summary>
    private sealed record Part(int Round, string Source, double Seconds, long Features, double[] Each, double Upload, Cpu Cpu);

    /// <summary>
    /// CPU seconds: the API process, the cluster (postmaster, live backends, and the backends it has reaped), this process's reaped
    /// children (ogr2ogr), and the whole machine's (/proc/stat): what else ran shows whether the run had the cores to itself.
    /// </summary>
    private sealed record Cpu(double Api, double Postgres, double Ogr, double Machine)
    {
        public static Cpu operator -(Cpu a, Cpu b) => new(a.Api - b.Api, a.Postgres - b.Postgres, a.Ogr - b.Ogr, a.Machine - b.Machine);
        public double Total => Api + Postgres + Ogr;
    }

    public static async Task RunAsync(int features, int rounds, int parallel, int warmup) =>
        await IngestBenchmark.WithApiAsync(async (http, writer, api, pg) =>
        {
            await IngestBenchmark.PostAsync(http, writer, IngestBenchmark.Body(Workload.Regions(rounds * parallel + 1)));
            var side = (int)Math.Ceiling(Math.Sqrt(features));
            // The warm-up import must be long enough for the API's tiered JIT to settle: with 5,000 features the first timed
            // import still spent a quarter of a core recompiling hot code (perf, 2026-12-08), and round 2 ran 35 % faster than round 1.
            await WarmUpAsync(http, writer, pg, Workload.County(rounds * parallel), warmup, (int)Math.Ceiling(Math.Sqrt(warmup)));
            // The service's phase histogram counts every committed batch, the regions' and the warm-up's included: the imports' share is the growth.
            int Batches(int n) => (n + ImportBatch - 1) / ImportBatch;
            var committedBefore = 1 + Batches(warmup);
            var phasesBefore = await IngestProfile.PhasesOnceCountedAsync(api.MetricsPort, committedBefore);
            var parts = new List<Part>();
            long bytes = 0;
            for (var r = 1; r <= rounds; r++)
            {
                // Every round imports counties never imported before: the same features again would append nothing (their event ids are deterministic).
                var files = Enumerable.Range((r - 1) * parallel, parallel)
                    .Select(c => (County: Workload.County(c), Path: Path.Combine(Path.GetTempPath(), $"ledger-import-bench-{Guid.NewGuid():N}.gpkg"))).ToList();
                try
                {
                    foreach (var (county, path) in files) CountyBenchmark.WriteGeoPackage(path, county, features, side);
                    bytes = new FileInfo(files[0].Path).Length;
                    var round = r;
                    Func<Task<Part>> ogr = () => MeasureAsync(round, "ogr2ogr", api, pg, files.Select((f, i) =>
                        (Func<Task<Job>>)(() => OgrAsync(pg, f.Path, $"bench_ogr_{round}" + (parallel > 1 ? $"_{i + 1}" : "")))));
                    Func<Task<Part>> import = () => MeasureAsync(round, "import", api, pg, files.Select(f =>
                        (Func<Task<Job>>)(() => ImportAsync(http, writer, f.Path, features))));
                    // Alternating which goes first, so neither always meets the cluster fresher (or with more WAL to recycle) than the other.
                    foreach (var part in r % 2 == 1 ? new[] { ogr, import } : [import, ogr]) parts.Add(await part());
                }
                finally
                {
                    foreach (var (_, path) in files) File.Delete(path);
                }
            }
            foreach (var p in parts.Where(p => p.Features != (long)features * parallel))
                throw new InvalidOperationException($"round {p.Round}: {p.Source} loaded {p.Features:N0} features, not {features * parallel:N0}");

            Console.WriteLine();
            Console.WriteLine($"Import of {parallel} × {features:N0}-feature GeoPackage(s) ({bytes / 1048576.0:N1} MiB each) a part, against ogr2ogr -f PostgreSQL " +
                              $"(PG_USE_COPY=YES), after an untimed {warmup:N0}-feature import; {DateTime.UtcNow:yyyy-MM-dd}, load average {OgcBenchmark.LoadAverage()}, {Environment.ProcessorCount} cores");
            Console.WriteLine();
            Console.WriteLine("| round | source | seconds | features | features/s | CPU s: API | PostgreSQL | ogr2ogr | cores busy | machine's cores busy |");
            Console.WriteLine("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var p in parts)
            {
                var notes = new List<string>();
                if (p.Source == "import") notes.Add($"upload {p.Upload:F1} s");
                if (p.Each.Length > 1) notes.Add($"{p.Each.Length} at once, each {string.Join(" / ", p.Each.Select(s => $"{s:F1}"))} s");
                Console.WriteLine($"| {p.Round} | {p.Source}{(notes.Count > 0 ? $" ({string.Join("; ", notes)})" : "")} | {p.Seconds:F1} | {p.Features:N0} | " +
                                  $"{p.Features / p.Seconds:N0} | {p.Cpu.Api:F1} | {p.Cpu.Postgres:F1} | {p.Cpu.Ogr:F1} | {p.Cpu.Total / p.Seconds:F2} | {p.Cpu.Machine / p.Seconds:F2} |");
            }
            var (imports, ogrs) = (parts.Where(p => p.Source == "import").ToList(), parts.Where(p => p.Source == "ogr2ogr").ToList());
            var (importRate, ogrRate) = (imports.Sum(p => p.Features) / imports.Sum(p => p.Seconds), ogrs.Sum(p => p.Features) / ogrs.Sum(p => p.Seconds));
            var importSeconds = imports.Sum(p => p.Seconds);
            Console.WriteLine();
            Console.WriteLine($"import / ogr2ogr over all rounds: {importRate:N0} / {ogrRate:N0} features/s = **{importRate / ogrRate:F3}×**  (goal ≥ 0.2×)");
            // CPU-seconds per second: an API above 1.0 ran on more than one core at a time.
            Console.WriteLine($"While importing ({parallel} at once): API {imports.Sum(p => p.Cpu.Api) / importSeconds:F2} cores, " +
                              $"PostgreSQL {imports.Sum(p => p.Cpu.Postgres) / importSeconds:F2} cores, of {Environment.ProcessorCount}");

            var importBatches = rounds * parallel * Batches(features);
            var phasesAfter = await IngestProfile.PhasesOnceCountedAsync(api.MetricsPort, committedBefore + importBatches);
            Console.WriteLine();
            Console.WriteLine($"Server time per {ImportBatch}-feature import batch by phase (ledger_ingest_phase_duration_seconds, {importBatches:N0} batches; " +
                              "import_read: waiting for the file's next batch, read and parsed while the last was appended):");
            Console.WriteLine("| phase | ms per batch |");
            Console.WriteLine("| --- | ---: |");
            foreach (var (phase, seconds) in phasesAfter.Where(p => p.Value > phasesBefore.GetValueOrDefault(p.Key)))
                Console.WriteLine($"| {phase} | {(seconds - phasesBefore.GetValueOrDefault(phase)) * 1000 / importBatches:F1} |");
        }, 4, new Dictionary<string, string> { ["LEDGER_IMPORT_WORKERS"] = $"{Math.Max(2, parallel)}" });

    /// <summary>
    /// Untimed, one small file each way in a county of its own: the API's first import pays for JIT-compiling the import path,
    /// which would weigh on round 1 only (ogr2ogr is native and starts afresh every time anyway).
    /// </summary>
    private static async Task WarmUpAsync(HttpClient http, string writer, EmbeddedPostgres pg, string county, int features, int side)
    {
        var gpkg = Path.Combine(Path.GetTempPath(), $"ledger-import-bench-{Guid.NewGuid():N}.gpkg");
        try
        {
            CountyBenchmark.WriteGeoPackage(gpkg, county, features, side);
            await OgrAsync(pg, gpkg, "bench_ogr_warmup");
            await ImportAsync(http, writer, gpkg, features);
        }
        finally
        {
            File.Delete(gpkg);
        }
    }

    /// <summary>What one load reports: the features it wrote, its seconds (not counting the checks after it), the upload's seconds.</summary>
    private sealed record Job(long Features, double Seconds, double Upload = 0);

    /// <summary>Runs <paramref name="jobs"/> at once: their times and the CPU spent meanwhile.</summary>
    private static async Task<Part> MeasureAsync(int round, string source, IngestBenchmark.ApiProcess api, EmbeddedPostgres pg, IEnumerable<Func<Task<Job>>> jobs)
    {
        var before = CpuNow(api, pg);
        var done = await Task.WhenAll(jobs.Select(job => job()));
        return new Part(round, source, done.Max(d => d.Seconds), done.Sum(d => d.Features), done.Select(d => d.Seconds).ToArray(), done.Max(d => d.Upload),
            CpuNow(api, pg) - before);
    }

    /// <summary><c>ogr2ogr -f PostgreSQL</c> of the file into a new table of the bench's cluster: the rows it wrote.</summary>
    private static async Task<Job> OgrAsync(EmbeddedPostgres pg, string gpkg, string table)
    {
        // The cluster listens on its Unix socket only; libpq reaches it with the socket's directory as host.
        var db = new NpgsqlConnectionStringBuilder(pg.ConnectionString());
        var start = new ProcessStartInfo("ogr2ogr") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-f", "PostgreSQL", $"PG:host='{db.Host}' port={db.Port} dbname={db.Database} user={db.Username}", gpkg,
                     "-nln", table, "-lco", "GEOMETRY_NAME=geom", "-lco", "SPATIAL_INDEX=GIST" })
            start.ArgumentList.Add(a);
        start.Environment["PG_USE_COPY"] = "YES";
        var clock = Stopwatch.StartNew();
        using var gdal = Process.Start(start) ?? throw new InvalidOperationException("ogr2ogr did not start");
        var (output, error) = (gdal.StandardOutput.ReadToEndAsync(), gdal.StandardError.ReadToEndAsync());
        await gdal.WaitForExitAsync();
        var seconds = clock.Elapsed.TotalSeconds;
        if (gdal.ExitCode != 0) throw new InvalidOperationException($"ogr2ogr into {table} exited {gdal.ExitCode}: {await output}{await error}");
        // Without PostGIS ogr2ogr would quietly store the geometries as bytea: a PostGIS column in CGCS2000 is part of the comparison.
        if (await IngestBenchmark.CountAsync(pg.ConnectionString(), $"select count(*) from geometry_columns where f_table_name = '{table}' and srid = 4490") != 1)
            throw new InvalidOperationException($"ogr2ogr made no PostGIS geometry column of SRID 4490 in {table}: {await error}");
        return new Job(await IngestBenchmark.CountAsync(pg.ConnectionString(), $"select count(*) from {table}"), seconds);
    }

    /// <summary>The API import of the file, from the upload until the job is done: the features it appended and the upload's seconds.</summary>
    private static async Task<Job> ImportAsync(HttpClient http, string writer, string gpkg, int features)
    {
        var clock = Stopwatch.StartNew();
        var id = await CountyBenchmark.UploadAsync(http, writer, gpkg);
        var upload = clock.Elapsed.TotalSeconds;
        var status = await CountyBenchmark.FinishedImportAsync(http, writer, id);
        var seconds = clock.Elapsed.TotalSeconds;
        var appended = status.GetProperty("appended").GetInt32();
        if (status.GetProperty("status").GetString() != "done" || appended != features)
            throw new InvalidOperationException($"import {id} ended {status.GetProperty("status").GetString()} with {appended:N0} of {features:N0} appended: {status}");
        return new Job(appended, seconds, upload);
    }

    private static Cpu CpuNow(IngestBenchmark.ApiProcess api, EmbeddedPostgres pg)
    {
        api.Process.Refresh();
        // Backends come and go; the postmaster's cutime/cstime hold the ones it has reaped, so nothing of the window is lost.
        var postmaster = int.Parse(File.ReadLines(Path.Combine(pg.DataDirectory, "postmaster.pid")).First());
        var postgres = 0L;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
            if (int.TryParse(Path.GetFileName(dir), out var pid) && Stat(pid) is { } s && (pid == postmaster || s.Parent == postmaster))
                postgres += s.Own + (pid == postmaster ? s.Children : 0);
        // The machine: the first line of /proc/stat (user nice system idle iowait irq softirq steal …) less idle and iowait.
        var all = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(long.Parse).ToArray();
        return new Cpu(api.Process.TotalProcessorTime.TotalSeconds, postgres / 100.0, (Stat(Environment.ProcessId)?.Children ?? 0) / 100.0,
            (all.Sum() - all[3] - all[4]) / 100.0);
    }

    /// <summary>From /proc/&lt;pid&gt;/stat, in clock ticks (USER_HZ, 100): the parent, utime + stime, and cutime + cstime (reaped children).</summary>
    private static (int Parent, long Own, long Children)? Stat(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // f[0] is field 3 (state)
            return (int.Parse(f[1]), long.Parse(f[11]) + long.Parse(f[12]), long.Parse(f[13]) + long.Parse(f[14]));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // gone meanwhile
        }
    }
}
