using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Ledger.Bench;

/// <summary>
/// Issue 14, item 3: the bulk path (<c>POST /api/v1/events/bulk</c>, NDJSON, chunks of 1,000)
/// beside a raw binary COPY of the same event rows, in one run on one fresh cluster.
/// </summary>
internal static class BulkBenchmark
{
    private const int Counties = 40;
    private const int BulkChunkSize = 1000;

    public static async Task RunAsync(int events, int streams)
    {
        await IngestBenchmark.WithApiAsync(async (http, writer, api, pg) =>
        {
            await IngestBenchmark.PostAsync(http, writer, IngestBenchmark.Body(Workload.Regions(Counties)));
            var warmed = await IngestBenchmark.WarmUpAsync(http, writer, 4, 500, Counties);
            // The bulk endpoint's own code warmed too: one untimed body of another client's parcels.
            await PostBulkAsync(http, writer, Ndjson(Workload.ForClient(90, 1, 20_000, Counties)));

            var bodies = Enumerable.Range(0, streams).Select(s => Ndjson(Workload.ForClient(s, streams, events, Counties))).ToList();
            var total = bodies.Sum(b => b.Count(c => c == '\n'));
            Console.WriteLine($"Bulk ingest: {total:N0} events in {streams} NDJSON request(s) ({bodies.Sum(b => b.Length) / 1024 / 1024} MiB) ...");
            await IngestProfile.ResetAsync(pg.ConnectionString());
            var phasesBefore = await IngestProfile.PhasesAsync(api.MetricsPort);
            api.Process.Refresh();
            var cpuBefore = api.Process.TotalProcessorTime;
            var pgCpuBefore = IngestProfile.PostgresCpuSeconds();
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(bodies.Select(b => PostBulkAsync(http, writer, b)));
            var bulkSeconds = clock.Elapsed.TotalSeconds;
            api.Process.Refresh();
            var apiCpuSeconds = (api.Process.TotalProcessorTime - cpuBefore).TotalSeconds;
            var pgCpuSeconds = IngestProfile.PostgresCpuSeconds() - pgCpuBefore;
            var stored = await IngestBenchmark.CountAsync(pg.ConnectionString(), "select count(*) from ledger.mt_events")
                         - Workload.Regions(Counties).Length - warmed - 20_000;
            if (stored != total) throw new InvalidOperationException($"stored {stored} events, expected {total}");

            var chunks = bodies.Sum(b => (b.Count(c => c == '\n') + BulkChunkSize - 1) / BulkChunkSize);
            await IngestProfile.PrintAsync(api.MetricsPort, phasesBefore, pg.ConnectionString(), chunks, apiCpuSeconds, pgCpuSeconds, bulkSeconds);
            Console.WriteLine("Raw COPY of the same rows ...");
            var perStream = bodies.Select(b => b.Split('\n', StringSplitOptions.RemoveEmptyEntries).Chunk(500)
                .Select(lines => "{\"events\":[" + string.Join(",", lines) + "]}").ToList()).ToList();
            var copySeconds = await IngestBenchmark.CopyBaselineAsync(pg.ConnectionString(), perStream);

            Console.WriteLine();
            Console.WriteLine("| path | events | seconds | events/s |");
            Console.WriteLine("| --- | ---: | ---: | ---: |");
            Console.WriteLine($"| POST /api/v1/events/bulk ({streams} request(s), chunks of 1,000) | {total:N0} | {bulkSeconds:F1} | {total / bulkSeconds:N0} |");
            Console.WriteLine($"| raw COPY of the same rows into a plain table ({streams} connection(s)) | {total:N0} | {copySeconds:F1} | {total / copySeconds:N0} |");
            Console.WriteLine();
            Console.WriteLine($"bulk / COPY: {copySeconds / bulkSeconds:P1}");
        }, streams * 2);
    }

    private static string Ndjson(IEnumerable<System.Text.Json.Nodes.JsonObject> events)
    {
        var text = new StringBuilder();
        foreach (var e in events) text.Append(e.ToJsonString()).Append('\n');
        return text.ToString();
    }

    /// <summary>
    /// Posts one body and reads the progress lines; fails unless the last says done. (HttpClient sends the whole body
    /// before it reads the answer, so the lines arrive together here: no per-chunk timing on this side.)
    /// </summary>
    private static async Task PostBulkAsync(HttpClient http, string key, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events/bulk")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/x-ndjson"),
        };
        request.Headers.Add("X-Api-Key", key);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"bulk POST failed {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var last = "";
        while (await reader.ReadLineAsync() is { } line) last = line;
        if (!JsonDocument.Parse(last).RootElement.TryGetProperty("done", out var done) || !done.GetBoolean())
            throw new InvalidOperationException($"bulk POST stopped: {last}");
    }
}
