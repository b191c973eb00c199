using System.Diagnostics;
using Ledger.Audit.Departure;
using Ledger.Audit.Reports;
using Ledger.Demo;
using Ledger.Storage;
using NodaTime;
using Npgsql;

namespace Ledger.Bench;

/// <summary>
/// Departure-audit benchmark: a demo-shaped ledger of 100k+ events (recorded a week after they
/// took effect), then for several five-year county tenures: issuing the report (read, score,
/// serialise, store: what POST /audits/departure does) and rendering it as HTML, PDF and XLSX.
/// </summary>
internal static class AuditBenchmark
{
    public static async Task RunAsync(int occupationsPerYear, int prefectures, int runs)
    {
        if (!CjkFont.Available) throw new InvalidOperationException("no CJK font: install fonts-noto-cjk (infra/bench/run.sh does)");
        var dataDir = Path.Combine(Path.GetTempPath(), $"ledger-audit-bench-{Environment.ProcessId}");
        await using var pg = await EmbeddedPostgres.StartAsync(dataDir, durable: true, Console.WriteLine);
        try
        {
            var (db, store) = await BenchDatabase.PrepareAsync(pg.ConnectionString());
            await using var storeScope = store;
            var demo = new DemoLedger(seed: 11, parcelsPerCounty: 200, prefectures: prefectures, countiesPerPrefecture: 10, occupationsPerYear: occupationsPerYear);
            var total = await SheetBenchmark.LoadAsync(store, db, demo);

            var audits = new DepartureAudits(new AuditReader(db, store), new ReportStore(db), SystemClock.Instance);
            // Five-year tenures (2016-2020 and 2021-2025) of party secretaries across the counties.
            var tenures = Enumerable.Range(0, runs).Select(i =>
            {
                var county = $"99{i % prefectures + 1:00}{i / prefectures % 10 + 1:00}";
                return $"T-{county}-{(i % 2 == 0 ? 2016 : 2021)}-p";
            }).ToList();
            var countyEvents = await CountyEventsAsync(db, tenures[0][2..8]);

            var issue = new List<double>();
            var html = new List<double>();
            var pdf = new List<double>();
            var xlsx = new List<double>();
            var sizes = (Json: 0, Pdf: 0, Evidence: 0);
            // One warm-up report: the first run pays for JIT and connection setup.
            await IssueAsync(audits, tenures[0]);
            foreach (var tenure in tenures)
            {
                var watch = Stopwatch.StartNew();
                var stored = await IssueAsync(audits, tenure);
                issue.Add(watch.Elapsed.TotalMilliseconds);

                watch.Restart();
                var report = ReportJson.Deserialize(stored.Content);
                var page = ReportHtml.Render(report, stored.ContentSha256);
                html.Add(watch.Elapsed.TotalMilliseconds);
                watch.Restart();
                var bytes = ReportPdf.Render(ReportJson.Deserialize(stored.Content), stored.ContentSha256);
                pdf.Add(watch.Elapsed.TotalMilliseconds);
                watch.Restart();
                ReportWorkbook.Build(ReportJson.Deserialize(stored.Content), stored.ContentSha256);
                xlsx.Add(watch.Elapsed.TotalMilliseconds);
                sizes = (Math.Max(sizes.Json, stored.Content.Length), Math.Max(sizes.Pdf, bytes.Length), Math.Max(sizes.Evidence, report.Findings.Sum(f => f.Evidence.Count)));
                _ = page;
            }

            Console.WriteLine();
            Console.WriteLine($"Ledger: {total:N0} events; a county holds about {countyEvents:N0}; {runs} five-year county tenures audited.");
            Console.WriteLine($"Largest report: JSON {sizes.Json / 1024.0:N0} KiB, PDF {sizes.Pdf / 1024.0:N0} KiB, {sizes.Evidence:N0} evidence rows.");
            Console.WriteLine();
            Console.WriteLine("| step | p50 ms | p95 ms | max ms | target | max / target |");
            Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
            Row("issue report (read, score, JSON, store)", issue, 1000);
            Row("render HTML from the stored JSON", html, null);
            Row("render PDF from the stored JSON", pdf, 3000);
            Row("render XLSX from the stored JSON", xlsx, null);
        }
        finally
        {
            await pg.StopAsync();
            try { Directory.Delete(dataDir, true); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    private static async Task<StoredReport> IssueAsync(DepartureAudits audits, string tenureId)
    {
        var knownAt = SystemClock.Instance.GetCurrentInstant();
        var rules = RuleSets.Find(RuleSets.Default)!;
        var (issued, refusal) = await audits.CreateAsync(new AuditRequest(tenureId, knownAt, false, rules.Key, null, "bench"), rules, knownAt,
            _ => true, "000000", CancellationToken.None);
        return refusal is null ? issued!.Stored : throw new InvalidOperationException($"{tenureId}: {refusal.Detail}");
    }

    private static async Task<long> CountyEventsAsync(NpgsqlDataSource db, string county)
    {
        await using var conn = await db.OpenConnectionAsync();
        await using var cmd = new NpgsqlCommand($"select count(*) from {LedgerStore.Schema}.event_index where region_code = @c", conn);
        cmd.Parameters.AddWithValue("c", county);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private static void Row(string step, List<double> ms, double? target)
    {
        var sorted = ms.Order().ToList();
        double P(double q) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];
        var ratio = target is { } t ? $"{sorted[^1] / t:P0}" : "";
        Console.WriteLine($"| {step} | {P(0.5):N0} | {P(0.95):N0} | {sorted[^1]:N0} | {(target is { } x ? $"≤ {x:N0}" : "")} | {ratio} |");
    }
}
