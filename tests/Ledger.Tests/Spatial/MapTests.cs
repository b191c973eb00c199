using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Tests.Support;
using NodaTime;
using Shouldly;

namespace Ledger.Tests.Spatial;

[Collection(LedgerCollection.Name)]
public sealed class MapTests(LedgerApp app) : IAsyncLifetime
{
    private string _auditor = "";

    public async Task InitializeAsync()
    {
        await MapScenario.LoadAsync(app);
        _auditor = await app.KeyAsync("auditor", "410102");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task the_map_holds_every_layer_as_geojson_features()
    {
        var map = await MapAsync("");
        map.GetProperty("type").GetString().ShouldBe("FeatureCollection");
        var features = map.GetProperty("features").EnumerateArray().ToList();
        Count(features, "redline").ShouldBe(2);
        Count(features, "mining").ShouldBe(2);
        Count(features, "farmland").ShouldBe(1);
        Count(features, "permanentBasic").ShouldBe(1);
        Count(features, "footprints").ShouldBe(2);
        Count(features, "overlaps").ShouldBe(4);
        var zone = features.First(f => Layer(f) == "redline");
        zone.GetProperty("geometry").GetProperty("type").GetString().ShouldBe("MultiPolygon");
        var props = zone.GetProperty("properties");
        props.GetProperty("domain").GetString().ShouldBe("redline");
        props.GetProperty("version").GetInt64().ShouldBe(1);
        props.GetProperty("areaHa").GetDecimal().ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task the_map_replays_as_of_a_date_and_as_known_at_an_instant()
    {
        var before2023 = (await MapAsync("?layers=redline&asOf=2022-12-31")).GetProperty("features").EnumerateArray().ToList();
        before2023.Select(f => f.GetProperty("properties").GetProperty("stream").GetString()).ShouldBe([MapScenario.ZoneKey]);

        var knownEarlier = await MapAsync($"?layers=redline,overlaps&knownAt={NodaTime.Text.InstantPattern.ExtendedIso.Format(LedgerApp.Start.Plus(Duration.FromMinutes(30)))}");
        var features = knownEarlier.GetProperty("features").EnumerateArray().ToList();
        Count(features, "redline").ShouldBe(1);
        Count(features, "overlaps").ShouldBe(3);
    }

    [Fact]
    public async Task a_bbox_keeps_only_what_it_touches()
    {
        // Around parcel P1 only (cells 10–12 × 0–2).
        var map = await MapAsync("?layers=farmland,redline,mining&bbox=113.695,34.695,113.725,34.725");
        var streams = map.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties").GetProperty("stream").GetString()).Order();
        streams.ShouldBe([MapScenario.ParcelKey, MapScenario.LaterZoneKey]);
    }

    [Theory]
    [InlineData("?layers=farmland,roads", "layers")]
    [InlineData("?layers=", null)]
    [InlineData("?asOf=2024-02-30", "asOf")]
    [InlineData("?knownAt=2024-01-01", "knownAt")]
    [InlineData("?bbox=1,2,3", "bbox")]
    [InlineData("?bbox=113,34,112,35", "bbox")]
    [InlineData("?bbox=113,34,NaN,35", "bbox")]
    [InlineData("?bbox=113,34,500,35", "bbox")]
    public async Task every_parameter_is_validated(string query, string? field)
    {
        var response = await app.SendAsync(HttpMethod.Get, $"/api/v1/regions/410102/map{query}", _auditor);
        if (field is null)
        {
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            return;
        }
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0].GetProperty("field").GetString().ShouldBe(field);
    }

    [Fact]
    public async Task out_of_scope_and_unknown_regions_are_refused()
    {
        (await app.SendAsync(HttpMethod.Get, "/api/v1/regions/410103/map?bbox=x", _auditor)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var national = await app.KeyAsync("auditor");
        (await app.SendAsync(HttpMethod.Get, "/api/v1/regions/410199/map", national)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await app.SendAsync(HttpMethod.Get, "/api/v1/regions/410102/map", null)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    private static int Count(List<JsonElement> features, string layer) => features.Count(f => Layer(f) == layer);

    private static string Layer(JsonElement f) => f.GetProperty("properties").GetProperty("layer").GetString()!;

    private async Task<JsonElement> MapAsync(string query)
    {
        var response = await app.SendAsync(HttpMethod.Get, $"/api/v1/regions/410102/map{query}", _auditor);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/geo+json");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
