using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using NetTopologySuite.IO;
using NodaTime.Text;
using Ledger.Tests.Support;
using Shouldly;

namespace Ledger.Tests.Ogc;

/// <summary>
/// GDAL's own OGC API – Features client (the OAPIF driver, as QGIS and ArcGIS users' tools use)
/// against the running service: it lists the collections and counts their features, and copies
/// them through small pages into a GeoPackage that equals the ledger's own map feature for feature.
/// </summary>
public sealed partial class OgcGdalTests(OgcService service) : IClassFixture<OgcService>
{
    private static readonly string[] Layers = ["farmland", "permanentBasic", "redline", "mining", "footprints", "overlaps"];

    [Fact]
    public async Task ogrinfo_lists_every_collection_and_counts_its_features()
    {
        var (exit, output, log) = await service.GdalAsync("ogrinfo", "-ro", "-so", "-al", $"OAPIF:{service.Root}");
        exit.ShouldBe(0, log);
        var counts = LayerCount().Matches(output).ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
        counts.Keys.ShouldBe(Layers);
        foreach (var layer in Layers)
            counts[layer].ShouldBe((await MapAsync(layer, "")).Count, layer);
        counts["overlaps"].ShouldBe(4);
    }

    [Theory]
    [InlineData("today")]
    [InlineData("a past day")]
    [InlineData("as known before RL02")]
    public async Task ogr2ogr_copies_every_layer_through_small_pages_into_a_geopackage_equal_to_the_map(string view)
    {
        var (ogcQuery, mapQuery) = view switch
        {
            "today" => ("", ""),
            "a past day" => ("?datetime=2022-12-31", "&asOf=2022-12-31"),
            _ => ($"?knownAt={InstantPattern.ExtendedIso.Format(service.FirstRecorded)}", $"&knownAt={InstantPattern.ExtendedIso.Format(service.FirstRecorded)}"),
        };
        var gpkg = Path.Combine(Path.GetTempPath(), $"ledger-ogc-{Guid.NewGuid():N}.gpkg");
        try
        {
            var (exit, _, log) = await service.GdalAsync("ogr2ogr", "-f", "GPKG", gpkg, "-oo", "PAGE_SIZE=1", $"OAPIF:{service.Root}{ogcQuery}");
            exit.ShouldBe(0, log);

            var total = 0;
            foreach (var layer in Layers)
            {
                var map = await MapAsync(layer, mapQuery);
                var copied = Read(gpkg, layer);
                copied.Keys.Order(StringComparer.Ordinal).ShouldBe(map.Keys.Order(StringComparer.Ordinal), $"{layer}, {view}");
                foreach (var (key, coordinates) in map)
                    Same(copied[key], coordinates).ShouldBeTrue($"{layer} {key}: the copied geometry differs from the map's");
                total += map.Count;
            }
            total.ShouldBeGreaterThan(5);
            // One feature a page, followed by the next links: a page for every feature after each layer's first.
            Regex.Count(log, @"HTTP: Fetch\([^)]*after=").ShouldBeGreaterThanOrEqualTo(total - Layers.Length, log);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(gpkg);
        }
    }

    [Fact]
    public async Task pages_read_from_the_running_service_stay_the_same_while_a_zone_is_recorded_between_them()
    {
        var first = await service.GetAsync($"{OgcTests.Root}/collections/redline/items?limit=1");
        OgcTests.Ids(first).ShouldBe([Spatial.MapScenario.ZoneKey]);
        var matched = first.GetProperty("numberMatched").GetInt64();

        // Sorts between the first page's zone and the next: a page read as of now would show it second.
        var key = $"410102-RL01-{Guid.NewGuid():N}";
        await service.PostAsync([Support.Ev.Zone(key).With("effectiveDate", "2022-01-01").Drawn(Support.Geo.Cell(30, 30, 1, 1))]);

        var second = await service.GetAsync(new Uri(OgcTests.Next(first)!).PathAndQuery);
        OgcTests.Ids(second).ShouldBe([Spatial.MapScenario.LaterZoneKey]);
        second.GetProperty("numberMatched").GetInt64().ShouldBe(matched);
        var afresh = await service.GetAsync($"{OgcTests.Root}/collections/redline/items?limit=1&after={Spatial.MapScenario.ZoneKey}");
        OgcTests.Ids(afresh).ShouldBe([key]);
        afresh.GetProperty("numberMatched").GetInt64().ShouldBe(matched + 1);
    }

    [Fact]
    public async Task kestrel_answers_head_with_the_length_of_get_and_no_body()
    {
        var url = $"{OgcTests.Root}/collections/redline/items?limit=1&knownAt={InstantPattern.ExtendedIso.Format(service.FirstRecorded)}";
        using var get = new HttpRequestMessage(HttpMethod.Get, url);
        using var head = new HttpRequestMessage(HttpMethod.Head, url);
        get.Headers.Add("X-Api-Key", service.Auditor);
        head.Headers.Add("X-Api-Key", service.Auditor);
        using var got = await service.Http.SendAsync(get);
        using var headed = await service.Http.SendAsync(head);
        var body = await got.Content.ReadAsByteArrayAsync();
        body.Length.ShouldBeGreaterThan(100);
        headed.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
        headed.Content.Headers.ContentLength.ShouldBe(body.Length);
        headed.Headers.GetValues("Content-Crs").Single().ShouldBe("<http://www.opengis.net/def/crs/OGC/1.3/CRS84>");
        (await headed.Content.ReadAsByteArrayAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task a_crs_in_gdals_connection_url_is_refused_rather_than_read_with_its_axes_swapped()
    {
        // GDAL 3.6 appends the connection URL's query to every request and reads every answer as CRS84: EPSG:4490's
        // latitude-first coordinates would land in the wrong place. /collections takes no crs, so GDAL stops, saying why.
        var (exit, output, log) = await service.GdalAsync("ogrinfo", "-ro", "-so",
            $"OAPIF:{service.Root}?crs=http://www.opengis.net/def/crs/EPSG/0/4490", "redline");
        exit.ShouldNotBe(0);
        log.ShouldContain("crs: is not a parameter of this resource");
        output.ShouldNotContain("Feature Count");
    }

    /// <summary>The map layer's features by key (stream, event, area), each with its coordinates in order.</summary>
    private async Task<Dictionary<string, List<(double, double)>>> MapAsync(string layer, string query)
    {
        var map = await service.GetAsync($"/api/v1/regions/410102/map?layers={layer}{query}");
        return map.GetProperty("features").EnumerateArray().ToDictionary(
            f => Key(f.GetProperty("properties").GetProperty("stream").GetString()!, f.GetProperty("properties").GetProperty("eventId").GetString()!,
                f.GetProperty("properties").GetProperty("areaHa").GetDecimal(),
                layer == "overlaps" ? f.GetProperty("properties").GetProperty("protectedStream").GetString() : null),
            f => Positions(f.GetProperty("geometry").GetProperty("coordinates")).ToList());
    }

    /// <summary>The GeoPackage's table as ogr2ogr wrote it, read with SQLite and NTS rather than GDAL: the copy is judged by another reader.</summary>
    private static Dictionary<string, List<(double, double)>> Read(string gpkg, string layer)
    {
        using var conn = new SqliteConnection($"Data Source={gpkg};Mode=ReadOnly;Pooling=False");
        conn.Open();
        using var exists = conn.CreateCommand();
        exists.CommandText = "select count(*) from gpkg_contents where table_name = $t";
        exists.Parameters.AddWithValue("$t", layer);
        if ((long)exists.ExecuteScalar()! == 0) return [];
        using var cmd = conn.CreateCommand();
        // An overlap is told from the other overlap of the same footprint by the protection it meets.
        cmd.CommandText = $"select geom, stream, eventId, areaHa, {(layer == "overlaps" ? "protectedStream" : "null")} from \"{layer}\"";
        var rows = new Dictionary<string, List<(double, double)>>();
        using var r = cmd.ExecuteReader();
        var reader = new GeoPackageGeoReader();
        while (r.Read())
            rows.Add(Key(r.GetString(1), r.GetString(2), (decimal)r.GetDouble(3), r.IsDBNull(4) ? null : r.GetString(4)),
                reader.Read((byte[])r["geom"]).Coordinates.Select(c => (c.X, c.Y)).ToList());
        return rows;
    }

    private static string Key(string stream, string eventId, decimal areaHa, string? protectedStream) =>
        $"{stream} {eventId} {areaHa.ToString("0.####", CultureInfo.InvariantCulture)} {protectedStream}";

    private static IEnumerable<(double, double)> Positions(JsonElement coordinates) =>
        coordinates[0].ValueKind == JsonValueKind.Number
            ? [(coordinates[0].GetDouble(), coordinates[1].GetDouble())]
            : coordinates.EnumerateArray().SelectMany(Positions);

    private static bool Same(List<(double X, double Y)> a, List<(double X, double Y)> b) =>
        a.Count == b.Count && a.Zip(b).All(p => Math.Abs(p.First.X - p.Second.X) < 1e-9 && Math.Abs(p.First.Y - p.Second.Y) < 1e-9);

    [GeneratedRegex(@"Layer name: (\w+)\n(?:.*\n)*?Feature Count: (\d+)")]
    private static partial Regex LayerCount();
}
