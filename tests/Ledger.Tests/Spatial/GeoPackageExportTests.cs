using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Spatial;
using Ledger.Tests.Support;
using NodaTime;
using NodaTime.Text;
using Shouldly;

namespace Ledger.Tests.Spatial;

/// <summary>
/// Contract 1.7's <c>export.gpkg</c>, read back by GDAL: the file opens without a warning, passes
/// GDAL's GeoPackage validator, lists the layers asked for in EPSG:4490, and holds exactly the map
/// endpoint's features (count, properties, areas, coordinates) for the same request, today and as
/// known before zone RL02 was recorded.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class GeoPackageExportTests(LedgerApp app) : IAsyncLifetime
{
    private static readonly string BeforeRl02 = InstantPattern.ExtendedIso.Format(LedgerApp.Start.Plus(Duration.FromMinutes(30)));
    private string _auditor = "";
    private readonly string _dir = Directory.CreateTempSubdirectory("ledger-gpkg-test-").FullName;

    public async Task InitializeAsync()
    {
        await MapScenario.LoadAsync(app);
        _auditor = await app.KeyAsync("auditor", "410102");
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("", 2, 4)]
    [InlineData("?knownAt={before}", 1, 3)]
    [InlineData("?asOf=2022-12-31&layers=redline,overlaps,mining", 1, -1)]
    [InlineData("?layers=footprints&bbox=113.6,34.7,113.65,34.75", -1, -1)]
    public async Task gdal_reads_the_same_features_as_the_map_endpoint_gives(string query, int redLines, int overlaps)
    {
        query = query.Replace("{before}", BeforeRl02);
        var response = await app.SendAsync(HttpMethod.Get, $"/api/v1/regions/410102/export.gpkg{query}", _auditor);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/geopackage+sqlite3");
        response.Content.Headers.ContentDisposition!.FileNameStar.ShouldStartWith("ledger-410102-");
        var path = Path.Combine(_dir, $"export-{Guid.NewGuid():N}.gpkg");
        await File.WriteAllBytesAsync(path, await response.Content.ReadAsByteArrayAsync());

        (await Gdal.ValidateGeoPackageAsync(path)).ShouldBeEmpty();
        var map = await (await app.SendAsync(HttpMethod.Get, $"/api/v1/regions/410102/map{query}", _auditor)).Content.ReadFromJsonAsync<JsonElement>();
        var asked = System.Web.HttpUtility.ParseQueryString(query)["layers"]?.Split(',') ?? Layers.Map;
        (await Gdal.LayersAsync(path)).ShouldBe(asked);

        foreach (var layer in asked)
        {
            var expected = map.GetProperty("features").EnumerateArray().Where(f => f.GetProperty("properties").GetProperty("layer").GetString() == layer).ToList();
            var read = (await Gdal.LayerAsGeoJsonAsync(path, layer)).GetProperty("features").EnumerateArray().ToList();
            read.Count.ShouldBe(expected.Count, layer);
            for (var i = 0; i < read.Count; i++) SameFeature(layer, read[i], expected[i]);
            // The bitemporal parameters are honoured, not only passed along alike to both (-1: not asserted).
            if (layer == Layers.RedLine && redLines >= 0) read.Count.ShouldBe(redLines);
            if (layer == Layers.Overlaps && overlaps >= 0) read.Count.ShouldBe(overlaps);
            // Each layer carries the R-tree extension, one box per feature, which GDAL (so QGIS) takes as the layer's spatial index.
            (await Gdal.RunAsync("ogrinfo", "-ro", "-q", path, "-sql", $"SELECT HasSpatialIndex('{layer}', 'geom')")).Out.ShouldContain("HasSpatialIndex (Integer) = 1");
            (await Gdal.RunAsync("ogrinfo", "-ro", "-q", path, "-sql", $"SELECT count(*) AS boxes FROM rtree_{layer}_geom")).Out
                .ShouldContain($"boxes (Integer) = {read.Count}");
        }
        // The extension's triggers keep the index true when a client edits the file (GDAL provides the ST_ functions they call).
        var counts = map.GetProperty("features").EnumerateArray().GroupBy(f => f.GetProperty("properties").GetProperty("layer").GetString()!)
            .ToDictionary(g => g.Key, g => g.Count());
        var edited = asked.First(counts.ContainsKey);
        await Gdal.RunAsync("ogrinfo", "-q", path, "-sql", $"DELETE FROM {edited} WHERE fid = (SELECT min(fid) FROM {edited})");
        (await Gdal.RunAsync("ogrinfo", "-ro", "-q", path, "-sql", $"SELECT (SELECT count(*) FROM {edited}) AS features, (SELECT count(*) FROM rtree_{edited}_geom) AS boxes"))
            .Out.ShouldContain($"features (Integer) = {counts[edited] - 1}\n  boxes (Integer) = {counts[edited] - 1}");
        var summary = await Gdal.RunAsync("ogrinfo", "-ro", "-so", path, asked[0]);
        summary.Out.ShouldContain("ID[\"EPSG\",4490]");
    }

    [Fact]
    public async Task the_file_names_its_attributes_in_chinese_and_says_what_it_holds()
    {
        var bytes = await (await app.SendAsync(HttpMethod.Get, $"/api/v1/regions/410102/export.gpkg?layers=overlaps&knownAt={BeforeRl02}", _auditor))
            .Content.ReadAsByteArrayAsync();
        var path = Path.Combine(_dir, "overlaps.gpkg");
        await File.WriteAllBytesAsync(path, bytes);
        var aliases = await Gdal.RunAsync("ogrinfo", "-ro", "-q", path, "-sql", "SELECT column_name, name FROM gpkg_data_columns WHERE table_name = 'overlaps'");
        aliases.Out.ShouldContain("name (String) = 面积（公顷）");
        aliases.Out.ShouldContain("name (String) = 叠加类型");
        var contents = await Gdal.RunAsync("ogrinfo", "-ro", "-q", path, "-sql", "SELECT description, srs_id FROM gpkg_contents");
        contents.Out.ShouldContain($"叠加发现 Overlaps found by the ledger: region 410102, as of {LocalDatePattern.Iso.Format(LedgerApp.Start.InUtc().Date)}, as known at {BeforeRl02}");
        contents.Out.ShouldMatch(@"srs_id \(Integer(64)?\) = 4490");
    }

    [Theory]
    [InlineData("?layers=farmland,roads", "layers")]
    [InlineData("?asOf=2024-02-30", "asOf")]
    [InlineData("?knownAt=2024-01-01", "knownAt")]
    [InlineData("?knownAt=yesterday%27;drop", "knownAt")]
    [InlineData("?bbox=113,34,NaN,35", "bbox")]
    [InlineData("?layers=%00", "layers")]
    public async Task hostile_parameters_are_400_problems_naming_the_field_and_write_no_file(string query, string field)
    {
        var response = await app.SendAsync(HttpMethod.Get, $"/api/v1/regions/410102/export.gpkg{query}", _auditor);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0].GetProperty("field").GetString().ShouldBe(field);
        Exports().ShouldBeEmpty();
    }

    [Fact]
    public async Task scope_role_and_region_are_checked_first()
    {
        (await app.SendAsync(HttpMethod.Get, "/api/v1/regions/410103/export.gpkg?asOf=bad", _auditor)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await app.SendAsync(HttpMethod.Get, "/api/v1/regions/410102/export.gpkg", await app.KeyAsync("writer", "410000"))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await app.SendAsync(HttpMethod.Get, "/api/v1/regions/410199/export.gpkg", await app.KeyAsync("auditor"))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await app.SendAsync(HttpMethod.Get, "/api/v1/regions/4101021/export.gpkg", await app.KeyAsync("auditor"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task an_export_over_the_caps_is_a_422_saying_how_to_narrow_and_leaves_no_file()
    {
        await using (var fewFeatures = new BoundedMapHost(app, new MapLimits(3, MapLimits.Default.MaxBytes, MapLimits.Default.Timeout)))
        {
            var refused = await fewFeatures.GetAsync("/api/v1/regions/410102/export.gpkg", _auditor);
            refused.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
            (await refused.Content.ReadAsStringAsync()).ShouldContain("more than the 3 one answer may hold (LEDGER_MAP_MAX_FEATURES)");
            (await fewFeatures.GetAsync("/api/v1/regions/410102/export.gpkg?layers=farmland,mining", _auditor)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        await using (var fewBytes = new BoundedMapHost(app, new MapLimits(MapLimits.DefaultMaxFeatures, 200, MapLimits.Default.Timeout)))
        {
            var refused = await fewBytes.GetAsync("/api/v1/regions/410102/export.gpkg?layers=redline", _auditor);
            refused.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
            (await refused.Content.ReadAsStringAsync()).ShouldContain("one export may hold (LEDGER_MAP_MAX_MB)");
        }
        await WaitUntilAsync(() => Exports().Count == 0);
    }

    [Fact]
    public async Task the_openapi_document_describes_the_export()
    {
        var doc = JsonDocument.Parse(await (await app.SendAsync(HttpMethod.Get, "/openapi/v1.json", null)).Content.ReadAsStringAsync()).RootElement;
        var get = doc.GetProperty("paths").GetProperty("/api/v1/regions/{code}/export.gpkg").GetProperty("get");
        get.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ShouldBe(["code", "layers", "asOf", "knownAt", "bbox"]);
        get.GetProperty("responses").EnumerateObject().Select(r => r.Name).ShouldBe(["200", "400", "403", "404", "422", "429", "503"]);
    }

    [Fact]
    public async Task the_scratch_file_is_gone_once_the_export_is_sent()
    {
        (await app.SendAsync(HttpMethod.Get, "/api/v1/regions/410102/export.gpkg", _auditor)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await WaitUntilAsync(() => Exports().Count == 0);
    }

    private static void SameFeature(string layer, JsonElement read, JsonElement expected)
    {
        var (got, want) = (read.GetProperty("properties"), expected.GetProperty("properties"));
        foreach (var column in GeoPackageColumns.Of(layer))
        {
            var w = want.GetProperty(column.Name);
            var g = got.GetProperty(column.Name);
            if (w.ValueKind == JsonValueKind.Number) g.GetDecimal().ShouldBe(w.GetDecimal(), $"{layer}.{column.Name}");
            else g.GetString().ShouldBe(w.GetString(), $"{layer}.{column.Name}");
        }
        read.GetProperty("geometry").GetProperty("type").GetString().ShouldBe("MultiPolygon");
        // The geometry GDAL read has the map's area on the CGCS2000 ellipsoid (overlaps' areas are PostGIS's geodesic figure, so not recomputed here).
        if (layer != Layers.Overlaps)
            Math.Abs(GeoJsonReader.Read(read.GetProperty("geometry")).Shape!.AreaHa - want.GetProperty("areaHa").GetDecimal()).ShouldBeLessThanOrEqualTo(0.0001m, layer);
        var (a, b) = (Positions(read.GetProperty("geometry").GetProperty("coordinates")), Positions(expected.GetProperty("geometry").GetProperty("coordinates")));
        a.Count.ShouldBe(b.Count);
        for (var i = 0; i < a.Count; i++) Math.Abs(a[i] - b[i]).ShouldBeLessThan(1e-8, $"{layer} ordinate {i}");
    }

    private static List<double> Positions(JsonElement coordinates) => coordinates.ValueKind == JsonValueKind.Number
        ? [coordinates.GetDouble()]
        : [.. coordinates.EnumerateArray().SelectMany(Positions)];

    /// <summary>This test process's export scratch folders (the service in it names them by its process id).</summary>
    private static List<string> Exports() => [.. Directory.EnumerateDirectories(Path.GetTempPath(), $"ledger-export-{Environment.ProcessId}-*")];

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++) await Task.Delay(50);
        condition().ShouldBeTrue("the export's scratch folder was not removed");
    }
}
