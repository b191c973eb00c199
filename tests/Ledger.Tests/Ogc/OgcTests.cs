using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Tests.Spatial;
using Ledger.Tests.Support;
using NodaTime;
using NodaTime.Text;
using Shouldly;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Ogc;

/// <summary>The OGC API – Features service (contract 1.7) over the map scenario, in process.</summary>
[Collection(LedgerCollection.Name)]
public sealed class OgcTests(LedgerApp app) : IAsyncLifetime
{
    public const string Root = "/api/v1/regions/410102/ogc";
    private string _auditor = "";
    private Instant _laterZoneRecorded;

    public async Task InitializeAsync()
    {
        _laterZoneRecorded = await MapScenario.LoadAsync(app);
        _auditor = await app.KeyAsync("auditor", "410102");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task the_landing_page_links_the_definition_the_conformance_classes_and_the_collections()
    {
        var landing = await JsonAsync(Root);
        var rels = landing.GetProperty("links").EnumerateArray().ToDictionary(l => l.GetProperty("rel").GetString()!, l => l.GetProperty("href").GetString()!);
        rels["service-desc"].ShouldEndWith("/openapi/v1.json");
        rels["conformance"].ShouldEndWith($"{Root}/conformance");
        rels["data"].ShouldEndWith($"{Root}/collections");
        rels["self"].ShouldStartWith("http");

        var conformance = (await JsonAsync($"{Root}/conformance")).GetProperty("conformsTo").EnumerateArray().Select(c => c.GetString()).ToList();
        conformance.ShouldBe([
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
            "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
        ], ignoreOrder: true);
    }

    [Theory]
    [InlineData("", "application/json", null)]
    [InlineData("/", "application/json", null)]
    [InlineData("/conformance", "application/json", null)]
    [InlineData("/collections", "application/json", null)]
    [InlineData("/collections/redline", "application/json", null)]
    [InlineData("/collections/redline/items?limit=1", "application/geo+json", "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>")]
    [InlineData("/collections/redline/items/410102-RL01?crs=http://www.opengis.net/def/crs/EPSG/0/4490", "application/geo+json", "<http://www.opengis.net/def/crs/EPSG/0/4490>")]
    public async Task every_resource_answers_head_with_the_headers_of_get_and_no_body(string path, string type, string? contentCrs)
    {
        // A pinned knownAt: GET and HEAD read the same ledger, so their lengths must agree to the byte.
        var url = $"{Root}{path}{(path.Contains('?') ? '&' : '?')}knownAt={Format(app.Clock.GetCurrentInstant())}";
        var get = await app.SendAsync(HttpMethod.Get, url, _auditor);
        var head = await app.SendAsync(HttpMethod.Head, url, _auditor);
        get.StatusCode.ShouldBe(HttpStatusCode.OK, await get.Content.ReadAsStringAsync());
        head.StatusCode.ShouldBe(HttpStatusCode.OK);
        head.Content.Headers.ContentType!.MediaType.ShouldBe(type);
        var body = await get.Content.ReadAsByteArrayAsync();
        head.Content.Headers.ContentLength.ShouldBe(body.Length);
        (await head.Content.ReadAsByteArrayAsync()).ShouldBeEmpty();
        if (contentCrs is null) head.Headers.Contains("Content-Crs").ShouldBeFalse();
        else head.Headers.GetValues("Content-Crs").Single().ShouldBe(contentCrs);
    }

    [Fact]
    public async Task the_collections_are_the_map_layers_each_with_its_extents_and_crs_list()
    {
        var collections = await JsonAsync($"{Root}/collections");
        var list = collections.GetProperty("collections").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetString()!);
        list.Keys.ShouldBe(["farmland", "permanentBasic", "redline", "mining", "footprints", "overlaps"]);
        foreach (var c in list.Values)
        {
            c.GetProperty("crs").EnumerateArray().Select(x => x.GetString()).ShouldBe(
                ["http://www.opengis.net/def/crs/OGC/1.3/CRS84", "http://www.opengis.net/def/crs/EPSG/0/4490"]);
            c.GetProperty("storageCrs").GetString().ShouldBe("http://www.opengis.net/def/crs/EPSG/0/4490");
            c.GetProperty("links").EnumerateArray().ShouldContain(l => l.GetProperty("rel").GetString() == "items");
        }
        // Red lines: RL01 over cells 0–4 × 0–4 and RL02 over 10–11 × 0–1 from the county corner (113.60, 34.70); in force from 2021-01-01 in China.
        var redline = list["redline"].GetProperty("extent");
        redline.GetProperty("spatial").GetProperty("bbox")[0].EnumerateArray().Select(d => Math.Round(d.GetDouble(), 6)).ShouldBe([113.60, 34.70, 113.71, 34.74]);
        redline.GetProperty("temporal").GetProperty("interval")[0][0].GetString().ShouldBe("2020-12-31T16:00:00Z");
        redline.GetProperty("temporal").GetProperty("interval")[0][1].ValueKind.ShouldBe(JsonValueKind.Null);
        // Known before RL02 was recorded, the extent is RL01's alone.
        var earlier = await JsonAsync($"{Root}/collections/redline?knownAt={Format(_laterZoneRecorded.Minus(Duration.FromMinutes(1)))}");
        earlier.GetProperty("extent").GetProperty("spatial").GetProperty("bbox")[0][2].GetDouble().ShouldBe(113.64, 1e-9);
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("&datetime=2022-12-31", "&asOf=2022-12-31")]
    [InlineData("&datetime=2022-04-01T00:00:00Z", "&asOf=2022-04-01")]
    public async Task every_collection_holds_the_maps_features(string ogcQuery, string mapQuery)
    {
        foreach (var layer in new[] { "farmland", "permanentBasic", "redline", "mining", "footprints", "overlaps" })
        {
            var map = await MapFeaturesAsync($"?layers={layer}{mapQuery}");
            var items = await JsonAsync($"{Root}/collections/{layer}/items?limit=10000{ogcQuery}");
            var features = items.GetProperty("features").EnumerateArray().ToList();
            Keys(features).ShouldBe(Keys(map), layer);
            items.GetProperty("numberMatched").GetInt64().ShouldBe(map.Count);
            items.GetProperty("numberReturned").GetInt64().ShouldBe(map.Count);
            foreach (var f in features)
            {
                f.GetProperty("id").GetString().ShouldBe(ExpectedId(layer, f.GetProperty("properties")));
                f.GetProperty("properties").GetProperty("validFrom").GetString().ShouldNotBeNull();
                f.GetProperty("properties").GetProperty("recordedAt").GetString()!.ShouldEndWith("Z");
            }
        }
        (await MapFeaturesAsync($"?layers=footprints{mapQuery}")).Count.ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task a_past_knownAt_reads_what_the_map_read_then()
    {
        var before = Format(_laterZoneRecorded.Minus(Duration.FromMinutes(1)));
        foreach (var layer in new[] { "redline", "overlaps" })
        {
            var map = await MapFeaturesAsync($"?layers={layer}&knownAt={before}");
            var items = (await JsonAsync($"{Root}/collections/{layer}/items?knownAt={before}")).GetProperty("features").EnumerateArray().ToList();
            Keys(items).ShouldBe(Keys(map));
        }
        (await MapFeaturesAsync($"?layers=overlaps&knownAt={before}")).Count.ShouldBe(3);
    }

    [Fact]
    public async Task crs_4490_serves_latitude_first_and_says_so()
    {
        var crs84 = await app.SendAsync(HttpMethod.Get, $"{Root}/collections/redline/items/{MapScenario.ZoneKey}", _auditor);
        crs84.Headers.GetValues("Content-Crs").Single().ShouldBe("<http://www.opengis.net/def/crs/OGC/1.3/CRS84>");
        var cgcs = await app.SendAsync(HttpMethod.Get, $"{Root}/collections/redline/items/{MapScenario.ZoneKey}?crs=http://www.opengis.net/def/crs/EPSG/0/4490", _auditor);
        cgcs.Headers.GetValues("Content-Crs").Single().ShouldBe("<http://www.opengis.net/def/crs/EPSG/0/4490>");
        var lonLat = First((await crs84.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("geometry"));
        var latLon = First((await cgcs.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("geometry"));
        lonLat.ShouldBe((113.6, 34.7));
        latLon.ShouldBe((34.7, 113.6));
    }

    [Fact]
    public async Task a_bbox_in_either_crs_keeps_what_intersects_it()
    {
        // Around parcel P1 only (cells 10–12 × 0–2), which RL02 lies in.
        var lonFirst = await JsonAsync($"{Root}/collections/redline/items?bbox=113.695,34.695,113.725,34.725");
        var latFirst = await JsonAsync($"{Root}/collections/redline/items?bbox=34.695,113.695,34.725,113.725&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4490");
        Ids(lonFirst).ShouldBe([MapScenario.LaterZoneKey]);
        Ids(latFirst).ShouldBe([MapScenario.LaterZoneKey]);
        lonFirst.GetProperty("numberMatched").GetInt64().ShouldBe(1);
        // The same box read longitude first in EPSG:4490's order would be latitude 113: refused, not silently empty.
        (await app.SendAsync(HttpMethod.Get, $"{Root}/collections/redline/items?bbox=113.695,34.695,113.725,34.725&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4490", _auditor))
            .StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task a_feature_is_found_by_its_id_and_an_unknown_one_is_a_clear_404()
    {
        var zone = await JsonAsync($"{Root}/collections/redline/items/{MapScenario.ZoneKey}");
        zone.GetProperty("type").GetString().ShouldBe("Feature");
        zone.GetProperty("properties").GetProperty("stream").GetString().ShouldBe(MapScenario.ZoneKey);
        zone.GetProperty("links").EnumerateArray().Select(l => l.GetProperty("rel").GetString()).ShouldBe(["self", "collection"]);

        var missing = await ProblemAsync($"{Root}/collections/redline/items/410102-RL99", HttpStatusCode.NotFound);
        missing.GetProperty("detail").GetString()!.ShouldContain("410102-RL99");
        // RL02 took effect in 2023: on an earlier day it is not in force.
        (await ProblemAsync($"{Root}/collections/redline/items/{MapScenario.LaterZoneKey}?datetime=2022-06-01", HttpStatusCode.NotFound))
            .GetProperty("detail").GetString()!.ShouldContain("on 2022-06-01");
        (await ProblemAsync($"{Root}/collections/roads/items", HttpStatusCode.NotFound)).GetProperty("detail").GetString()!
            .ShouldContain("farmland, permanentBasic, redline, mining, footprints, overlaps");
    }

    [Fact]
    public async Task an_interval_holds_each_stream_as_last_in_force_within_it()
    {
        var writer = await app.KeyAsync("writer", "410000");
        (await app.PostEventsAsync(writer, Make("mining.site-closed", MapScenario.TouchingMineKey, County, new JsonObject(), "2024-01-01")))
            .StatusCode.ShouldBe(HttpStatusCode.OK);

        Ids(await JsonAsync($"{Root}/collections/mining/items?datetime=2025-01-01")).ShouldBe([MapScenario.MineKey]);
        Ids(await JsonAsync($"{Root}/collections/mining/items?datetime=2023-12-31")).ShouldBe([MapScenario.MineKey, MapScenario.TouchingMineKey]);
        var within = await JsonAsync($"{Root}/collections/mining/items?datetime=2023-06-01/2025-01-01");
        Ids(within).ShouldBe([MapScenario.MineKey, MapScenario.TouchingMineKey]);
        within.GetProperty("features")[1].GetProperty("properties").GetProperty("validTo").GetString().ShouldBe("2024-01-01");
        within.GetProperty("features")[0].GetProperty("properties").GetProperty("validTo").ValueKind.ShouldBe(JsonValueKind.Null);
        // Closed on the interval's first day: never in force within it.
        Ids(await JsonAsync($"{Root}/collections/mining/items?datetime=2024-01-01/..")).ShouldBe([MapScenario.MineKey]);
        // QGIS's open start, and an interval before anything was drawn.
        Ids(await JsonAsync($"{Root}/collections/mining/items?datetime=0000-01-01T00:00:00Z/2023-01-01T00:00:00Z")).Count.ShouldBe(2);
        Ids(await JsonAsync($"{Root}/collections/mining/items?datetime=../2020-12-31")).ShouldBeEmpty();
    }

    internal static string Format(Instant i) => InstantPattern.ExtendedIso.Format(i);

    private static (double, double) First(JsonElement geometry)
    {
        var p = geometry.GetProperty("coordinates")[0][0][0];
        return (Math.Round(p[0].GetDouble(), 9), Math.Round(p[1].GetDouble(), 9));
    }

    private static string ExpectedId(string layer, JsonElement props) => layer switch
    {
        "footprints" => props.GetProperty("eventId").GetString()!,
        "overlaps" => props.GetProperty("id").GetString()!,
        _ => props.GetProperty("stream").GetString()!,
    };

    /// <summary>What makes a map feature that one: its stream, event and area.</summary>
    internal static List<string> Keys(IEnumerable<JsonElement> features) => features
        .Select(f => f.GetProperty("properties"))
        .Select(p => $"{p.GetProperty("stream").GetString()} {p.GetProperty("eventId").GetString()} {p.GetProperty("areaHa").GetDecimal()}")
        .Order(StringComparer.Ordinal).ToList();

    internal static List<string> Ids(JsonElement page) => page.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("id").GetString()!).ToList();

    internal static string? Next(JsonElement page) => page.GetProperty("links").EnumerateArray()
        .Where(l => l.GetProperty("rel").GetString() == "next").Select(l => l.GetProperty("href").GetString()).FirstOrDefault();

    private Task<List<JsonElement>> MapFeaturesAsync(string query) => new OgcReader(app, _auditor).MapFeaturesAsync(query);

    private Task<JsonElement> JsonAsync(string url) => new OgcReader(app, _auditor).JsonAsync(url);

    private Task<JsonElement> ProblemAsync(string url, HttpStatusCode status) => new OgcReader(app, _auditor).ProblemAsync(url, status);
}
