using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Spatial;
using Microsoft.Data.Sqlite;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace Ledger.Bench;

/// <summary>
/// A large county on the map (issue 11): N parcels with ~20-vertex boundaries and Z red-line zones
/// of 50 to V vertices (geometric spread: most small, a few huge), all through the HTTP ingest.
/// Then: overlap detection at ingest (500-footprint batches with boundaries beside the same
/// batches without, alternating), map and tile latency, and a GeoPackage import of N features in
/// a second county.
/// </summary>
internal static class CountyBenchmark
{
    internal const int ParcelVertices = 20;
    internal const double Spacing = 0.003;

    public static async Task RunAsync(int parcels, int zones, int maxZoneVertices, int footprintBatches) => await IngestBenchmark.WithApiAsync(async (http, writer, api, pg) =>
    {
        var auditor = await IngestBenchmark.IssueKeyAsync(http, "bench-auditor", "auditor");
        var county = Workload.County(0);
        var importCounty = Workload.County(1);
        var (side, parcelRate, committed) = await LoadAsync(http, writer, county, parcels, zones, maxZoneVertices);

        // Footprints on parcels, with boundaries (overlap detection runs) and without, alternating.
        var latency = new Dictionary<bool, List<double>> { [true] = [], [false] = [] };
        // Where the footprint batches' time goes: the service's phases per kind (each batch runs alone, so its growth is its kind's)
        // and PostgreSQL's statements over all of them.
        var phases = new Dictionary<bool, Dictionary<string, double>> { [true] = [], [false] = [] };
        await IngestProfile.ResetAsync(pg.ConnectionString());
        var next = 0;
        for (var b = 0; b < footprintBatches * 2; b++)
        {
            var geometry = b % 4 is 0 or 3;
            var body = IngestBenchmark.Body(Enumerable.Range(next, 500).Select(n => Footprint(county, n, side, geometry)).ToArray());
            next += 500;
            var before = await IngestProfile.PhasesOnceCountedAsync(api.MetricsPort, committed);
            var t = Stopwatch.GetTimestamp();
            await IngestBenchmark.PostAsync(http, writer, body);
            latency[geometry].Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            foreach (var (phase, seconds) in await IngestProfile.PhasesOnceCountedAsync(api.MetricsPort, ++committed))
                phases[geometry][phase] = phases[geometry].GetValueOrDefault(phase) + seconds - before.GetValueOrDefault(phase);
        }
        var overlaps = await GetAsync(http, auditor, $"/api/v1/regions/{county}/overlaps");
        var found = JsonDocument.Parse(overlaps.Body).RootElement.GetProperty("overlaps").GetArrayLength();

        Console.WriteLine();
        Console.WriteLine("| 500-footprint batch | batches | p50 ms | p95 ms |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        foreach (var geometry in new[] { false, true })
            Console.WriteLine($"| {(geometry ? "with boundaries (overlaps found at ingest)" : "without boundaries")} | {latency[geometry].Count} | {P(latency[geometry], 0.5):F0} | {P(latency[geometry], 0.95):F0} |");
        Console.WriteLine($"Added by the boundaries and the overlap detection: p50 {P(latency[true], 0.5) - P(latency[false], 0.5):+0;-0} ms, " +
                          $"p95 {P(latency[true], 0.95) - P(latency[false], 0.95):+0;-0} ms per batch; {found:N0} overlaps found in all.");
        Console.WriteLine();
        Console.WriteLine("Server time per footprint batch by phase (ledger_ingest_phase_duration_seconds):");
        Console.WriteLine("| phase | without boundaries, ms | with boundaries, ms |");
        Console.WriteLine("| --- | ---: | ---: |");
        foreach (var phase in phases[true].Keys.Union(phases[false].Keys))
            Console.WriteLine($"| {phase} | {phases[false].GetValueOrDefault(phase) * 1000 / footprintBatches:F1} | {phases[true].GetValueOrDefault(phase) * 1000 / footprintBatches:F1} |");
        await IngestProfile.PrintStatementsAsync(pg.ConnectionString(), footprintBatches * 2);

        // Map and tiles: a 1 km box, tiles at z 12 and 14 at the centre, and the whole county once.
        var (lon, lat) = (113.0 + side / 2 * Spacing, 34.0 + side / 2 * Spacing);
        var reads = new (string Name, string Url)[]
        {
            ("GeoJSON map, 1 km bbox", $"/api/v1/regions/{county}/map?bbox={lon:F4},{lat:F4},{lon + 0.01:F4},{lat + 0.009:F4}"),
            ("tile z12", Tile(county, 12, lon, lat)),
            ("tile z14", Tile(county, 14, lon, lat)),
        };
        Console.WriteLine();
        Console.WriteLine("| read (30 runs after 3 warm-ups) | p50 ms | p95 ms | bytes |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        foreach (var (name, url) in reads)
        {
            var times = new List<double>();
            var bytes = 0;
            for (var i = 0; i < 33; i++)
            {
                var t = Stopwatch.GetTimestamp();
                var r = await GetAsync(http, auditor, url);
                if (i >= 3) times.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                bytes = r.Bytes;
            }
            Console.WriteLine($"| {name} | {P(times, 0.5):F0} | {P(times, 0.95):F0} | {bytes:N0} |");
        }
        // Where a frame read's time goes: the same queries in process, with their plans.
        var request = new MapRequest(county, Layers.Map, new NodaTime.LocalDate(2026, 1, 1), NodaTime.SystemClock.Instance.GetCurrentInstant(),
            new BoundingBox(lon, lat, lon + 0.01, lat + 0.009));
        await Explained.RunAsync(pg, "a 1 km GeoJSON frame and a z12 tile", async db =>
        {
            await new MapQuery(db).FeatureCollectionAsync(request, CancellationToken.None);
            var (x, y) = TileXY(12, lon, lat);
            await new TileQuery(db).TileAsync(request with { Bbox = null }, 12, x, y, CancellationToken.None);
        });
        // Over LEDGER_MAP_MAX_FEATURES (default 20,000) the whole county is refused (422) rather than built: the time to say so.
        var whole = Stopwatch.GetTimestamp();
        using (var wholeRequest = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/regions/{county}/map"))
        {
            wholeRequest.Headers.Add("X-Api-Key", auditor);
            using var answer = await http.SendAsync(wholeRequest);
            var bytes = (await answer.Content.ReadAsByteArrayAsync()).Length;
            Console.WriteLine($"| whole county map, once ({(int)answer.StatusCode}) | {Stopwatch.GetElapsedTime(whole).TotalMilliseconds:F0} | | {bytes:N0} |");
        }

        // Import: the same number of parcels as a GeoPackage, in the second county.
        var gpkg = Path.Combine(Path.GetTempPath(), $"ledger-bench-{Guid.NewGuid():N}.gpkg");
        try
        {
            WriteGeoPackage(gpkg, importCounty, parcels, side);
            var size = new FileInfo(gpkg).Length;
            var clock = Stopwatch.StartNew();
            var id = await UploadAsync(http, writer, gpkg);
            var uploaded = clock.Elapsed.TotalSeconds;
            var status = await FinishedImportAsync(http, writer, id);
            var seconds = clock.Elapsed.TotalSeconds;
            Console.WriteLine();
            Console.WriteLine($"Import of a {parcels:N0}-feature GeoPackage ({size / 1024.0 / 1024.0:N1} MiB): {status.GetProperty("status").GetString()}, " +
                              $"{status.GetProperty("appended").GetInt32():N0} appended, {status.GetProperty("rejectedCount").GetInt32():N0} rejected; " +
                              $"upload {uploaded:F1} s, total {seconds:F1} s = {parcels / seconds:N0} features/s " +
                              $"(the same parcels posted as events above: {parcelRate:N0} events/s; import / post = {parcels / seconds / parcelRate:P0}).");
        }
        finally
        {
            File.Delete(gpkg);
        }
    }, 4);

    /// <summary>
    /// The county's regions, then <paramref name="zones"/> zones over the parcel grid and <paramref name="parcels"/> parcels with
    /// boundaries, all through the HTTP ingest; returns the grid's side, the parcels' rate in events/s and the batches it posted.
    /// </summary>
    internal static async Task<(int Side, double ParcelRate, int Batches)> LoadAsync(HttpClient http, string writer, string county, int parcels, int zones,
        int maxZoneVertices)
    {
        await IngestBenchmark.PostAsync(http, writer, IngestBenchmark.Body(Workload.Regions(2)));
        var posted = 1;
        var side = (int)Math.Ceiling(Math.Sqrt(parcels));

        var clock = Stopwatch.StartNew();
        var zoneVertices = 0L;
        foreach (var batch in Batches(Enumerable.Range(0, zones).Select(i => Zone(county, i, zones, maxZoneVertices, side)), e => Count(e), 100_000))
        {
            zoneVertices += batch.Sum(Count);
            await IngestBenchmark.PostAsync(http, writer, IngestBenchmark.Body(batch.ToArray()));
            posted++;
        }
        Console.WriteLine($"{zones:N0} zones ({zoneVertices:N0} vertices) in {clock.Elapsed.TotalSeconds:F1} s");

        clock.Restart();
        foreach (var batch in Enumerable.Range(0, parcels).Chunk(500))
        {
            await IngestBenchmark.PostAsync(http, writer, IngestBenchmark.Body(batch.Select(n => Parcel(county, n, side)).ToArray()));
            posted++;
        }
        var parcelRate = parcels / clock.Elapsed.TotalSeconds;
        Console.WriteLine($"{parcels:N0} parcels in {clock.Elapsed.TotalSeconds:F1} s = {parcelRate:N0} events/s");
        return (side, parcelRate, posted);
    }

    internal static double P(List<double> values, double q)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)(q * sorted.Count))];
    }

    private static int Count(JsonObject e) => e["data"]!["geometry"]!["coordinates"]![0]!.AsArray().Count;

    private static IEnumerable<List<JsonObject>> Batches(IEnumerable<JsonObject> events, Func<JsonObject, int> weight, int maxWeight)
    {
        var batch = new List<JsonObject>();
        var total = 0;
        foreach (var e in events)
        {
            if (batch.Count > 0 && total + weight(e) > maxWeight) { yield return batch; batch = []; total = 0; }
            batch.Add(e);
            total += weight(e);
        }
        if (batch.Count > 0) yield return batch;
    }

    private static JsonArray Ring(double lon, double lat, double rx, double ry, int vertices)
    {
        var ring = new JsonArray();
        for (var v = 0; v <= vertices; v++)
        {
            var a = 2 * Math.PI * (v % vertices) / vertices;
            ring.Add(new JsonArray(Math.Round(lon + rx * Math.Cos(a), 7), Math.Round(lat + ry * Math.Sin(a), 7)));
        }
        return ring;
    }

    private static JsonObject Polygon(JsonArray ring) => new() { ["type"] = "Polygon", ["coordinates"] = new JsonArray(ring) };

    private static decimal AreaHa(JsonObject geometry) => GeoJsonReader.Read(JsonDocument.Parse(geometry.ToJsonString()).RootElement).Shape!.AreaHa;

    /// <summary>Zone i of a square grid over the parcels, radius 0.008°, with 50 × (V/50)^(i/(n−1)) vertices.</summary>
    private static JsonObject Zone(string county, int i, int zones, int maxVertices, int parcelSide)
    {
        var grid = (int)Math.Ceiling(Math.Sqrt(zones));
        var step = parcelSide * Spacing / grid;
        var vertices = (int)Math.Round(50 * Math.Pow(maxVertices / 50.0, zones == 1 ? 1 : i / (double)(zones - 1)));
        var geometry = Polygon(Ring(113.0 + (i % grid + 0.5) * step, 34.0 + (i / grid + 0.5) * step, 0.008, 0.006, Math.Max(4, vertices)));
        return Event("redline.zone-designated", $"{county}-RL{i:0000}", county, new JsonObject
        {
            ["areaHa"] = AreaHa(geometry), ["function"] = "biodiversity", ["approvalRef"] = "bench", ["geometry"] = geometry,
        });
    }

    internal static (double Lon, double Lat) Centre(int n, int side) => (113.0 + n % side * Spacing, 34.0 + n / side * Spacing);

    private static JsonObject Parcel(string county, int n, int side)
    {
        var (lon, lat) = Centre(n, side);
        return Event("farmland.parcel-registered", $"{county}-{n:0000000}", county, new JsonObject
        {
            ["areaHa"] = 3m, ["landType"] = "dry", ["qualityGrade"] = 5, ["permanentBasic"] = false, ["origin"] = "baseline",
            ["geometry"] = Polygon(Ring(lon, lat, 0.0012, 0.0009, ParcelVertices)),
        });
    }

    /// <summary>An occupation of a square 0.0004° inside parcel n (about 0.15 ha, declared 0.1 ha).</summary>
    private static JsonObject Footprint(string county, int n, int side, bool geometry)
    {
        var (lon, lat) = Centre(n, side);
        var data = new JsonObject { ["areaHa"] = 0.1m, ["purpose"] = "construction", ["legal"] = true, ["approvalRef"] = "bench" };
        if (geometry)
            data["geometry"] = Polygon(new JsonArray(new JsonArray(lon, lat), new JsonArray(lon + 0.0004, lat), new JsonArray(lon + 0.0004, lat + 0.0004),
                new JsonArray(lon, lat + 0.0004), new JsonArray(lon, lat)));
        return Event("farmland.occupied", $"{county}-{n:0000000}", county, data);
    }

    private static JsonObject Event(string type, string stream, string county, JsonObject data) => new()
    {
        ["eventId"] = Guid.NewGuid().ToString(), ["type"] = type, ["stream"] = stream, ["regionCode"] = county, ["effectiveDate"] = "2022-01-01", ["data"] = data,
    };

    private static string Tile(string county, int z, double lon, double lat)
    {
        var (x, y) = TileXY(z, lon, lat);
        return $"/api/v1/regions/{county}/tiles/{z}/{x}/{y}.mvt";
    }

    private static (int X, int Y) TileXY(int z, double lon, double lat)
    {
        var n = 1 << z;
        var rad = lat * Math.PI / 180;
        return ((int)((lon + 180) / 360 * n), (int)((1 - Math.Log(Math.Tan(rad) + 1 / Math.Cos(rad)) / Math.PI) / 2 * n));
    }

    internal static async Task<(string Body, int Bytes)> GetAsync(HttpClient http, string key, string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("X-Api-Key", key);
        using var response = await http.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"GET {url}: {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(bytes)}");
        return (url.EndsWith(".mvt", StringComparison.Ordinal) ? "" : System.Text.Encoding.UTF8.GetString(bytes), bytes.Length);
    }

    internal static async Task<string> UploadAsync(HttpClient http, string key, string file)
    {
        using var content = new MultipartFormDataContent();
        var part = new StreamContent(File.OpenRead(file));
        part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Add(part, "file", "dltb.gpkg");
        content.Add(new StringContent("farmland"), "layer");
        content.Add(new StringContent("2022-01-01"), "effectiveDate");
        content.Add(new StringContent("""{"qualityGrade":"ZLDJ"}"""), "mapping");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/imports") { Content = content };
        request.Headers.Add("X-Api-Key", key);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode != 202) throw new InvalidOperationException($"import refused: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("importId").GetString()!;
    }

    /// <summary>An import's status once it is done or failed; each request waits up to 30 s for the job's next progress row.</summary>
    internal static async Task<JsonElement> FinishedImportAsync(HttpClient http, string key, string id)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var status = JsonDocument.Parse((await GetAsync(http, key, $"/api/v1/imports/{id}?waitSeconds=30")).Body).RootElement;
            if (status.GetProperty("status").GetString() is "done" or "failed") return status;
            if (clock.Elapsed > TimeSpan.FromMinutes(30)) throw new TimeoutException($"import {id} did not finish in 30 minutes: {status}");
        }
    }

    /// <summary>A 三调-style 地类图斑 GeoPackage: BSM, DLBM 0103, TBDLMJ (m²), ZLDWDM, ZLDJ, in EPSG:4490.</summary>
    internal static void WriteGeoPackage(string path, string county, int parcels, int side)
    {
        using var conn = new SqliteConnection($"Data Source={path};Pooling=False");
        conn.Open();
        using (var cmd = conn.CreateCommand())
        {
            // The GeoPackage header (application_id 'GPKG', version 1.3): without it GDAL warns that the file is not one.
            cmd.CommandText = """
                pragma application_id = 1196444487;
                pragma user_version = 10300;
                create table gpkg_spatial_ref_sys (srs_name text, srs_id integer primary key, organization text, organization_coordsys_id integer, definition text, description text);
                insert into gpkg_spatial_ref_sys values ('CGCS2000', 4490, 'EPSG', 4490, 'GEOGCS["China Geodetic Coordinate System 2000"]', null);
                create table gpkg_contents (table_name text primary key, data_type text, identifier text, description text, last_change text, min_x real, min_y real, max_x real, max_y real, srs_id integer);
                insert into gpkg_contents (table_name, data_type, srs_id) values ('DLTB', 'features', 4490);
                create table gpkg_geometry_columns (table_name text, column_name text, geometry_type_name text, srs_id integer, z integer, m integer);
                insert into gpkg_geometry_columns values ('DLTB', 'geom', 'POLYGON', 4490, 0, 0);
                create table DLTB (fid integer primary key, geom blob, BSM text, DLBM text, TBDLMJ real, ZLDWDM text, ZLDJ integer);
                """;
            cmd.ExecuteNonQuery();
        }
        var factory = new GeometryFactory(new PrecisionModel(), 4490);
        var writer = new GeoPackageGeoWriter();
        using var tx = conn.BeginTransaction();
        using var insert = conn.CreateCommand();
        insert.CommandText = "insert into DLTB (geom, BSM, DLBM, TBDLMJ, ZLDWDM, ZLDJ) values ($g, $b, '0103', 30000, $z, 5)";
        var g = insert.Parameters.Add("$g", SqliteType.Blob);
        var b = insert.Parameters.Add("$b", SqliteType.Text);
        insert.Parameters.AddWithValue("$z", county + "0010010000000");
        for (var n = 0; n < parcels; n++)
        {
            g.Value = writer.Write(Parcel(factory, n, side));
            b.Value = n.ToString("0000000", System.Globalization.CultureInfo.InvariantCulture);
            insert.ExecuteNonQuery();
        }
        tx.Commit();
    }

    /// <summary>Parcel <paramref name="n"/> of a grid <paramref name="side"/> wide: a 21-position ellipse about 270 × 200 m, as the GeoPackage holds it.</summary>
    internal static Polygon Parcel(GeometryFactory factory, int n, int side)
    {
        var (lon, lat) = Centre(n, side);
        return factory.CreatePolygon(Enumerable.Range(0, ParcelVertices + 1).Select(v =>
        {
            var a = 2 * Math.PI * (v % ParcelVertices) / ParcelVertices;
            return new Coordinate(Math.Round(lon + 0.0012 * Math.Cos(a), 7), Math.Round(lat + 0.0009 * Math.Sin(a), 7));
        }).ToArray());
    }
}
