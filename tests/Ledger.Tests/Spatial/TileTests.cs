using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Tests.Support;
using NetTopologySuite.IO.VectorTiles.Mapbox;
using Shouldly;

namespace Ledger.Tests.Spatial;

/// <summary>Vector tiles of <see cref="MapScenario"/>: the same features as the GeoJSON map, one tile layer per map layer, decoded with a Mapbox reader.</summary>
[Collection(LedgerCollection.Name)]
public sealed class TileTests(LedgerApp app) : IAsyncLifetime
{
    private string _auditor = "";

    public async Task InitializeAsync()
    {
        await MapScenario.LoadAsync(app);
        _auditor = await app.KeyAsync("auditor", "410100");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>The Web Mercator tile holding a longitude/latitude at a zoom.</summary>
    private static (int X, int Y) TileOf(double lon, double lat, int z)
    {
        var n = 1 << z;
        var rad = lat * Math.PI / 180;
        return ((int)((lon + 180) / 360 * n), (int)((1 - Math.Log(Math.Tan(rad) + 1 / Math.Cos(rad)) / Math.PI) / 2 * n));
    }

    [Fact]
    public async Task a_tile_holds_the_maps_layers_and_properties()
    {
        const int z = 10;
        var (x, y) = TileOf(Geo.Lon + 0.02, Geo.Lat + 0.02, z);
        var response = await app.SendAsync(HttpMethod.Get, $"/api/v1/regions/410102/tiles/{z}/{x}/{y}.mvt", _auditor);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/vnd.mapbox-vector-tile");
        var tile = new MapboxTileReader().Read(await response.Content.ReadAsStreamAsync(), new NetTopologySuite.IO.VectorTiles.Tiles.Tile(x, y, z));

        var map = await app.SendAsync(HttpMethod.Get, "/api/v1/regions/410102/map", _auditor);
        var features = (await map.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("features").EnumerateArray()
            .GroupBy(f => f.GetProperty("properties").GetProperty("layer").GetString()!).ToDictionary(g => g.Key, g => g.Count());
        tile.Layers.Select(l => l.Name).Order().ShouldBe(features.Keys.Order());
        foreach (var layer in tile.Layers) layer.Features.Count.ShouldBe(features[layer.Name], layer.Name);

        var overlap = tile.Layers.Single(l => l.Name == "overlaps").Features.First(f => (string)f.Attributes["kind"] == "licence");
        overlap.Attributes["protectedStream"].ShouldBe(MapScenario.ZoneKey);
        overlap.Geometry.IsEmpty.ShouldBeFalse();
    }

    [Fact]
    public async Task a_frame_shows_the_version_in_force_not_an_older_one_that_was_there()
    {
        // RL01 (cells 0–4) is redrawn in 2024 to cells 20–24 (a little smaller): a frame over its old place shows it before, not after.
        var writer = await app.KeyAsync("writer", "410000");
        var moved = Ev.Make("redline.zone-adjusted", MapScenario.ZoneKey, Ev.County, new System.Text.Json.Nodes.JsonObject
        {
            ["deltaHa"] = Geo.AreaHa(Geo.Cell(20, 0, 4, 3.5)) - Geo.AreaHa(Geo.Cell(0, 0, 4, 4)), ["reason"] = "勘界", ["approvalRef"] = "批9",
            ["geometry"] = Geo.Cell(20, 0, 4, 3.5),
        }, "2024-06-01");
        var posted = await app.PostEventsAsync(writer, moved);
        posted.StatusCode.ShouldBe(HttpStatusCode.OK, await posted.Content.ReadAsStringAsync());
        var bbox = FormattableString.Invariant($"{Geo.Lon + 0.005},{Geo.Lat + 0.005},{Geo.Lon + 0.015},{Geo.Lat + 0.015}");
        async Task<bool> Shown(string asOf)
        {
            var map = await app.SendAsync(HttpMethod.Get, $"/api/v1/regions/410102/map?layers=redline&asOf={asOf}&bbox={bbox}", _auditor);
            return (await map.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("features").EnumerateArray()
                .Any(f => f.GetProperty("properties").GetProperty("stream").GetString() == MapScenario.ZoneKey);
        }
        (await Shown("2024-05-31")).ShouldBeTrue();
        (await Shown("2024-06-01")).ShouldBeFalse();
    }

    [Fact]
    public async Task a_successor_regions_map_and_overlaps_include_what_was_recorded_under_its_predecessor()
    {
        // 410102 becomes district 410199 from 2025 (an upgrade under a new code), as regions do.
        var writer = await app.KeyAsync("writer", "410000");
        var posted = await app.PostEventsAsync(writer, Ev.Region("410199", "county", Ev.City, "新区"));
        posted.StatusCode.ShouldBe(HttpStatusCode.OK, await posted.Content.ReadAsStringAsync());
        posted = await app.PostEventsAsync(writer, Ledger.Tests.Regions.Lineages.Succeeded("410199", "upgrade", "2025-01-01", "410102"));
        posted.StatusCode.ShouldBe(HttpStatusCode.OK, await posted.Content.ReadAsStringAsync());

        async Task<int> Features(string asOf)
        {
            var map = await app.SendAsync(HttpMethod.Get, $"/api/v1/regions/410199/map?asOf={asOf}", _auditor);
            map.StatusCode.ShouldBe(HttpStatusCode.OK, await map.Content.ReadAsStringAsync());
            return (await map.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("features").GetArrayLength();
        }
        var before = await app.SendAsync(HttpMethod.Get, "/api/v1/regions/410102/map?asOf=2025-06-01", _auditor);
        var all = (await before.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("features").GetArrayLength();
        (await Features("2025-06-01")).ShouldBe(all);
        (await Features("2024-06-01")).ShouldBe(0); // before the upgrade the district had no territory of its own
        var overlaps = await app.SendAsync(HttpMethod.Get, "/api/v1/regions/410199/overlaps", _auditor);
        (await overlaps.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("overlaps").GetArrayLength().ShouldBe(4);
    }

    [Fact]
    public async Task a_tile_elsewhere_is_empty()
    {
        var (x, y) = TileOf(80.0, 40.0, 10);
        (await app.SendAsync(HttpMethod.Get, $"/api/v1/regions/410102/tiles/10/{x}/{y}.mvt", _auditor)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
    }

    [Theory]
    [InlineData("23/0/0", "z")]
    [InlineData("2/4/0", "x")]
    [InlineData("2/0/-1", "y")]
    [InlineData("a/0/0", "z")]
    public async Task tile_numbers_are_validated(string zxy, string field)
    {
        var response = await app.SendAsync(HttpMethod.Get, $"/api/v1/regions/410102/tiles/{zxy}.mvt", _auditor);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0].GetProperty("field").GetString().ShouldBe(field);
    }

    [Fact]
    public async Task scope_comes_first()
    {
        var outsider = await app.KeyAsync("auditor", "420000");
        (await app.SendAsync(HttpMethod.Get, "/api/v1/regions/410102/tiles/99/0/0.mvt", outsider)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }
}
