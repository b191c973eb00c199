using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Ledger.Spatial;
using Microsoft.Data.Sqlite;
using NodaTime;

namespace Ledger.Bench;

/// <summary>
/// The OGC API – Features service of a large county (issue 26's goals): the county's parcels loaded
/// as <see cref="CountyBenchmark"/> loads them, then every items page of the farmland collection
/// through the <c>next</c> links and pages of random boxes, and <c>ogr2ogr</c> of the whole
/// collection through GDAL's OAPIF driver beside <c>ogr2ogr</c> of the same parcels from the map's
/// GeoJSON, alternating in rounds. Goals: p95 ≤ 150 ms a 1,000-feature page; OAPIF ≥ 0.5× the map.
/// </summary>
internal static class OgcBenchmark
{
    private const int Limit = 1000;

    /// <summary>
    /// The map answers the whole county in one GeoJSON only under caps far above its defaults (20,000 features, 32 MB, 10 s);
    /// they bound the items pages too (the byte cap per page, the timeout), which stay far below either.
    /// </summary>
    private static readonly Dictionary<string, string> WholeCountyMap = new()
    {
        ["LEDGER_MAP_MAX_FEATURES"] = "10000000", ["LEDGER_MAP_MAX_MB"] = "4096", ["LEDGER_MAP_TIMEOUT_SECONDS"] = "600",
    };

    public static async Task RunAsync(int parcels, int zones, int maxZoneVertices, int walks, int boxes, int rounds) =>
        await IngestBenchmark.WithApiAsync(async (http, writer, _, pg) =>
        {
            var auditor = await IngestBenchmark.IssueKeyAsync(http, "bench-auditor", "auditor");
            var county = Workload.County(0);
            var (side, _, _) = await CountyBenchmark.LoadAsync(http, writer, county, parcels, zones, maxZoneVertices);
            var root = $"{http.BaseAddress}api/v1/regions/{county}/ogc";
            var items = $"{root}/collections/farmland/items";

            // Whole walks through the next links, after three first pages to warm up.
            for (var i = 0; i < 3; i++) await PageAsync(http, auditor, $"{items}?limit={Limit}");
            var (walked, firsts) = (new List<double>(), new List<double>());
            var parts = new Dictionary<string, List<double>>();
            var pages = 0;
            string? middle = null;
            for (var w = 0; w < walks; w++)
            {
                var (url, features, matched) = ($"{items}?limit={Limit}", 0L, (long?)null);
                for (pages = 0; url is not null; pages++)
                {
                    var t = Stopwatch.GetTimestamp();
                    var page = await PageAsync(http, auditor, url);
                    walked.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                    if (pages == 0) firsts.Add(walked[^1]);
                    else Timed(parts, page.Timing, walked[^1]);
                    if (matched is not null && page.Matched != matched) throw new InvalidOperationException($"numberMatched moved: {matched} then {page.Matched}");
                    (matched, features, url) = (page.Matched, features + page.Returned, page.Next);
                    if (pages == parcels / Limit / 2) middle = page.Last;
                }
                if (features != parcels || matched != parcels) throw new InvalidOperationException($"a walk read {features:N0} features of {matched:N0} matched, not {parcels:N0}");
            }

            // First pages of random 0.1° boxes (about 33 × 33 parcels: a full page and a next link).
            var random = new Random(26);
            var boxed = new List<double>();
            var inBoxes = 0L;
            var warmups = Math.Min(3, boxes);
            for (var i = 0; i < boxes + warmups; i++)
            {
                var (west, south) = (113.0 + random.NextDouble() * Math.Max(0, side * CountyBenchmark.Spacing - 0.1),
                    34.0 + random.NextDouble() * Math.Max(0, side * CountyBenchmark.Spacing - 0.1));
                var url = string.Create(CultureInfo.InvariantCulture, $"{items}?limit={Limit}&bbox={west:F5},{south:F5},{west + 0.1:F5},{south + 0.1:F5}");
                var t = Stopwatch.GetTimestamp();
                var page = await PageAsync(http, auditor, url);
                if (i < warmups) continue;
                boxed.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                inBoxes += page.Returned;
            }

            // ogr2ogr through OAPIF and from the map's GeoJSON, alternating, each into a fresh GeoPackage.
            var copies = new List<(int Round, string Source, double Seconds, long Features)>();
            for (var r = 1; r <= rounds; r++)
            {
                copies.Add(await CopyAsync(r, "OAPIF", auditor, "-oo", $"PAGE_SIZE={Limit}", $"OAPIF:{root}", "farmland"));
                copies.Add(await CopyAsync(r, "map GeoJSON", auditor, $"{http.BaseAddress}api/v1/regions/{county}/map?layers=farmland"));
            }
            foreach (var copy in copies.Where(c => c.Features != parcels))
                throw new InvalidOperationException($"ogr2ogr from {copy.Source} copied {copy.Features:N0} features, not {parcels:N0}");

            Console.WriteLine();
            Console.WriteLine($"OGC API – Features, farmland of county {county}: {parcels:N0} parcels with {CountyBenchmark.ParcelVertices + 1}-position boundaries, " +
                              $"{zones:N0} zones; limit={Limit:N0}; {DateTime.UtcNow:yyyy-MM-dd}, load average {LoadAverage()}");
            Console.WriteLine();
            Console.WriteLine("| read | pages | p50 ms | p95 ms | max ms |");
            Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
            Console.WriteLine($"| items pages through the next links ({walks} whole walk(s) of {pages} pages; first pages {string.Join(", ", firsts.Select(f => $"{f:F0}"))} ms) | " +
                              $"{walked.Count} | {CountyBenchmark.P(walked, 0.5):F0} | {CountyBenchmark.P(walked, 0.95):F0} | {walked.Max():F0} |");
            // Server-Timing of the pages after the first (the first counts): what the API spent where, and what is left for HTTP and the client.
            foreach (var (part, ms) in parts)
                Console.WriteLine($"| – {part} | {ms.Count} | {CountyBenchmark.P(ms, 0.5):F1} | {CountyBenchmark.P(ms, 0.95):F1} | {ms.Max():F1} |");
            if (boxed.Count > 0)
                Console.WriteLine($"| first page of a random 0.1° bbox ({inBoxes / Math.Max(1, boxed.Count):N0} features a page on average) | {boxed.Count} | " +
                                  $"{CountyBenchmark.P(boxed, 0.5):F0} | {CountyBenchmark.P(boxed, 0.95):F0} | {boxed.Max():F0} |");
            Console.WriteLine();
            Console.WriteLine("| ogr2ogr -f GPKG of the collection | round | seconds | features | features/s |");
            Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
            foreach (var c in copies)
                Console.WriteLine($"| {(c.Source == "OAPIF" ? $"OAPIF, `-oo PAGE_SIZE={Limit}`" : "the map's GeoJSON (`/map?layers=farmland`, one answer)")} | {c.Round} | " +
                                  $"{c.Seconds:F1} | {c.Features:N0} | {c.Features / c.Seconds:N0} |");
            double Rate(string source) => copies.Where(c => c.Source == source).Sum(c => c.Features) / copies.Where(c => c.Source == source).Sum(c => c.Seconds);
            Console.WriteLine($"OAPIF / map over all rounds: {Rate("OAPIF"):N0} / {Rate("map GeoJSON"):N0} features/s = **{Rate("OAPIF") / Rate("map GeoJSON"):F2}×** (goal ≥ 0.5×)");

            // Where a page's time goes in the database: a first page and one from the middle of the walk, with their plans.
            var today = SystemClock.Instance.GetCurrentInstant().InZone(DateTimeZoneProviders.Tzdb["Asia/Shanghai"]).Date;
            var request = new FeatureRequest(county, Layers.Farmland, ValidWindow.Day(today), SystemClock.Instance.GetCurrentInstant(), null, false, null, Limit);
            var (lon, lat) = CountyBenchmark.Centre(parcels / 2 + side / 2, side);
            await Explained.RunAsync(pg, $"a first items page, one after {middle}, and a first page of a 0.1° box", async db =>
            {
                await new FeatureQuery(db, MapLimits.None).PageAsync(request, CancellationToken.None);
                await new FeatureQuery(db, MapLimits.None).PageAsync(request with { After = middle }, CancellationToken.None);
                await new FeatureQuery(db, MapLimits.None).PageAsync(request with { Bbox = new BoundingBox(lon - 0.05, lat - 0.05, lon + 0.05, lat + 0.05) },
                    CancellationToken.None);
            });
            // The same page as a walk asks it: the one statement again and again on a connection that prepares it, as the API's does.
            await Explained.RunAsync(pg, $"the page after {middle} ten times, prepared as the API prepares it", async db =>
            {
                for (var i = 0; i < 10; i++)
                {
                    var t = Stopwatch.GetTimestamp();
                    var read = await new FeatureQuery(db, MapLimits.None).PageAsync(request with { After = middle }, CancellationToken.None);
                    Console.WriteLine($"run {i + 1}: {Stopwatch.GetElapsedTime(t).TotalMilliseconds:F1} ms (statement {read.Timings.Page:F1} ms)");
                }
            }, prepared: true);
        }, 4, WholeCountyMap);

    private sealed record Page(long Matched, int Returned, string? Last, string? Next, IReadOnlyDictionary<string, double> Timing);

    /// <summary>Adds a page's Server-Timing parts to <paramref name="parts"/>, and what its client time holds beyond the API's (HTTP, reading, parsing).</summary>
    private static void Timed(Dictionary<string, List<double>> parts, IReadOnlyDictionary<string, double> timing, double clientMs)
    {
        var api = 0.0;
        foreach (var (part, ms) in timing)
        {
            if (!parts.TryGetValue(part, out var list)) parts[part] = list = [];
            list.Add(ms);
            if (part is "check" or "queue" or "read" or "build") api += ms;
        }
        if (!parts.TryGetValue("client (HTTP, body, parse)", out var rest)) parts["client (HTTP, body, parse)"] = rest = [];
        rest.Add(clientMs - api);
    }

    /// <summary>W3C Server-Timing: <c>name;dur=ms, …</c>.</summary>
    internal static Dictionary<string, double> ServerTiming(string? header) =>
        (header ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(p => p.Split(";dur="))
        .Where(p => p.Length == 2)
        .ToDictionary(p => p[0], p => double.Parse(p[1], CultureInfo.InvariantCulture));

    private static async Task<Page> PageAsync(HttpClient http, string key, string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("X-Api-Key", key);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"GET {url}: {(int)response.StatusCode} {body}");
        var page = JsonDocument.Parse(body).RootElement;
        var features = page.GetProperty("features");
        var next = page.GetProperty("links").EnumerateArray().Where(l => l.GetProperty("rel").GetString() == "next")
            .Select(l => l.GetProperty("href").GetString()).FirstOrDefault();
        return new Page(page.GetProperty("numberMatched").GetInt64(), features.GetArrayLength(),
            features.GetArrayLength() == 0 ? null : features[features.GetArrayLength() - 1].GetProperty("id").GetString(), next,
            ServerTiming(response.Headers.TryGetValues("Server-Timing", out var timing) ? string.Join(", ", timing) : null));
    }

    /// <summary><c>ogr2ogr -f GPKG</c> of <paramref name="source"/> into a fresh file with the key as a header: its time and the features it wrote.</summary>
    private static async Task<(int Round, string Source, double Seconds, long Features)> CopyAsync(int round, string name, string key, params string[] source)
    {
        var gpkg = Path.Combine(Path.GetTempPath(), $"ledger-ogc-bench-{Guid.NewGuid():N}.gpkg");
        try
        {
            var start = new ProcessStartInfo("ogr2ogr") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "-f", "GPKG", gpkg }.Concat(source)) start.ArgumentList.Add(a);
            start.Environment["GDAL_HTTP_HEADERS"] = $"X-Api-Key: {key}";
            var clock = Stopwatch.StartNew();
            using var gdal = Process.Start(start) ?? throw new InvalidOperationException("ogr2ogr did not start");
            var (output, error) = (gdal.StandardOutput.ReadToEndAsync(), gdal.StandardError.ReadToEndAsync());
            await gdal.WaitForExitAsync();
            var seconds = clock.Elapsed.TotalSeconds;
            if (gdal.ExitCode != 0) throw new InvalidOperationException($"ogr2ogr from {name} exited {gdal.ExitCode}: {await output}{await error}");
            return (round, name, seconds, Features(gpkg));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(gpkg);
        }
    }

    private static long Features(string gpkg)
    {
        using var conn = new SqliteConnection($"Data Source={gpkg};Mode=ReadOnly;Pooling=False");
        conn.Open();
        using var table = conn.CreateCommand();
        table.CommandText = "select table_name from gpkg_contents where data_type = 'features'";
        using var count = conn.CreateCommand();
        count.CommandText = $"select count(*) from \"{(string)table.ExecuteScalar()!}\"";
        return (long)count.ExecuteScalar()!;
    }

    internal static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
}
