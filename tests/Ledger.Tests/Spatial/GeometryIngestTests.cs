using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Tests.Support;
using Npgsql;
using Shouldly;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Spatial;

[Collection(LedgerCollection.Name)]
public sealed class GeometryIngestTests(LedgerApp app) : IAsyncLifetime
{
    private string _writer = "";

    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        _writer = await app.KeyAsync("writer", "410000");
        (await app.PostEventsAsync(_writer, RegionTree())).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task a_parcel_boundary_is_kept_in_the_event_and_projected_into_postgis()
    {
        var boundary = Geo.Cell(0, 0);
        var parcel = Parcel().Drawn(boundary);
        var response = await app.PostEventsAsync(_writer, parcel);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());

        // Kept once, as the GeoJSON text in one string (decision 72), not as a jsonb tree of numbers.
        var stored = JsonNode.Parse(await ScalarAsync<string>("select data::text from ledger.mt_events where type = 'farmland.parcel-registered'"))!;
        stored["geometry"]!.GetValueKind().ShouldBe(JsonValueKind.String);
        JsonNode.DeepEquals(JsonNode.Parse(stored["geometry"]!.GetValue<string>()), boundary).ShouldBeTrue();
        (await ScalarAsync<string>("select ST_GeometryType(geom) || ' ' || ST_SRID(geom) from ledger.geo_versions where layer = 'farmland'"))
            .ShouldBe("ST_MultiPolygon 4490");
        var postgisHa = await ScalarAsync<double>("select ST_Area(geom::geography) / 10000 from ledger.geo_versions");
        ((double)Geo.AreaHa(boundary)).ShouldBe(postgisHa, postgisHa * 0.0001);
    }

    [Fact]
    public async Task a_boundary_keeps_its_numbers_as_posted_and_readers_get_it_back_as_geojson()
    {
        // Trailing zeros and the members' order, exactly as a province's system wrote them.
        const string posted = """{"coordinates":[[[113.600,34.700],[113.610,34.700],[113.610,34.710],[113.600,34.710],[113.600,34.700]]],"type":"Polygon"}""";
        var geometry = JsonNode.Parse(posted)!.AsObject();
        var parcel = Parcel().With("data.geometry", geometry.DeepClone()).With("data.areaHa", Geo.AreaHa(geometry));
        (await app.PostEventsAsync(_writer, parcel)).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await ScalarAsync<string>("select data->>'geometry' from ledger.mt_events where type = 'farmland.parcel-registered'")).ShouldBe(posted);
        (await ScalarAsync<string>($"select {Ledger.Chain.ChainTables.CanonicalText} from ledger.mt_events e where type = 'farmland.parcel-registered'"))
            .ShouldContain(posted.Replace("\"", "\\\""));

        var history = await app.SendAsync(HttpMethod.Get, "/api/v1/streams/farmland/410102-000001/events", await app.KeyAsync("auditor"));
        var body = await history.Content.ReadAsStringAsync();
        history.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        var answered = JsonNode.Parse(body)!["events"]![0]!["data"]!["geometry"]!;
        answered.GetValueKind().ShouldBe(JsonValueKind.Object);
        answered.ToJsonString().ShouldBe(posted);

        // The same event again, its numbers written otherwise: the same content, so a duplicate, not a conflict.
        var again = parcel.DeepClone().AsObject().With("data.geometry", JsonNode.Parse(posted.Replace("113.600", "113.6").Replace("34.700", "34.7")));
        var duplicate = await app.PostEventsAsync(_writer, again);
        (await duplicate.Content.ReadAsStringAsync()).ShouldContain("\"duplicate\"");
        (await ScalarAsync<long>("select count(*) from ledger.mt_events where type = 'farmland.parcel-registered'")).ShouldBe(1);
    }

    [Fact]
    public async Task a_declared_area_above_the_geometry_is_refused_quoting_both_areas()
    {
        var boundary = Geo.Cell(0, 0);
        var geometryHa = Geo.AreaHa(boundary);
        var tooBig = Parcel().With("data.geometry", boundary).With("data.areaHa", Math.Round(geometryHa * 1.006m + 0.02m, 4));
        var response = await app.PostEventsAsync(_writer, tooBig);

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0];
        error.GetProperty("field").GetString().ShouldBe("events[0].data.areaHa");
        error.GetProperty("message").GetString()!.ShouldContain($"{geometryHa} ha");
        error.GetProperty("message").GetString()!.ShouldContain($"{tooBig["data"]!["areaHa"]} ha");
        (await app.EventCountAsync()).ShouldBe(3);
        (await ScalarAsync<long>("select count(*) from ledger.geo_versions")).ShouldBe(0);
    }

    [Fact]
    public async Task a_parcel_may_be_smaller_than_its_boundary_but_a_zone_may_not()
    {
        var boundary = Geo.Cell(0, 0);
        var half = Math.Round(Geo.AreaHa(boundary) / 2, 4);
        (await app.PostEventsAsync(_writer, Parcel().With("data.geometry", boundary).With("data.areaHa", half))).StatusCode.ShouldBe(HttpStatusCode.OK);

        var response = await app.PostEventsAsync(_writer, Zone().With("data.geometry", boundary.DeepClone()).With("data.areaHa", half));
        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await response.Content.ReadAsStringAsync()).ShouldContain("less than its geometry's ellipsoidal area");
    }

    [Fact]
    public async Task a_zone_adjustment_is_checked_against_the_new_boundary()
    {
        var small = Geo.Cell(0, 0);
        (await app.PostEventsAsync(_writer, Zone().Drawn(small))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var bigger = Geo.Cell(0, 0, 2, 1);
        var delta = Geo.AreaHa(bigger) - Geo.AreaHa(small);
        var adjust = Make("redline.zone-adjusted", "410102-RL01", County, new JsonObject
        {
            ["deltaHa"] = delta, ["reason"] = "扩展", ["approvalRef"] = "批2", ["geometry"] = bigger.DeepClone(),
        }, "2023-01-01");
        (await app.PostEventsAsync(_writer, adjust)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ScalarAsync<long>("select count(*) from ledger.geo_versions where layer = 'redline'")).ShouldBe(2);

        var wrong = adjust.With("eventId", Guid.NewGuid().ToString()).With("data.deltaHa", -10m);
        (await app.PostEventsAsync(_writer, wrong)).StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }
}
