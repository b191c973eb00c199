using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Tests.Support;
using Shouldly;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Ingest;

[Collection(LedgerCollection.Name)]
public sealed class RejectingEventsTests(LedgerApp app) : IAsyncLifetime
{
    private string _writer = "";

    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        _writer = await app.KeyAsync("writer", "410000");
        var setup = await app.PostEventsAsync(_writer, CountyWithOneOfEach());
        setup.StatusCode.ShouldBe(HttpStatusCode.OK, await setup.Content.ReadAsStringAsync());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public static TheoryData<string, JsonObject[], int, string> Cases() => new()
    {
        // Shape: 400, field by field.
        { "zero area", [Occupied(area: 0m)], 400, "events[0].data.areaHa" },
        { "negative area", [Occupied(area: -1m)], 400, "events[0].data.areaHa" },
        { "over-precise area", [Occupied().With("data.areaHa", 1.00001m)], 400, "events[0].data.areaHa" },
        { "huge area", [Occupied().With("data.areaHa", JsonNode.Parse("1e30"))], 400, "events[0].data.areaHa" },
        { "area as text", [Occupied().With("data.areaHa", "2.5")], 400, "events[0].data.areaHa" },
        { "unknown type", [Occupied().With("type", "farmland.stolen")], 400, "events[0].type" },
        { "unknown enum value", [Occupied().With("data.purpose", "golf")], 400, "events[0].data.purpose" },
        { "missing field", [Occupied().With("data.purpose", null)], 400, "events[0].data.purpose" },
        { "unknown data field", [Occupied().With("data.areaMu", 3)], 400, "events[0].data.areaMu" },
        { "unknown envelope field", [Occupied().With("recordedAt", "2020-01-01T00:00:00Z")], 400, "events[0].recordedAt" },
        { "impossible date", [Occupied(date: "2024-02-30")], 400, "events[0].effectiveDate" },
        { "malformed region code", [Occupied().With("regionCode", "4101")], 400, "events[0].regionCode" },
        { "missing eventId", [Occupied().With("eventId", null)], 400, "events[0].eventId" },
        { "new stream keyed by another region", [Parcel("410103-000001")], 400, "events[0].stream" },
        { "event on a stream of another region", [Parcel(), Occupied().With("regionCode", "410103")], 422, "events[1].regionCode" },
        { "water stream year mismatch", [Quota(2025).With("data.year", 2024)], 400, "events[0].data.year" },
        { "legal occupation without approval", [Occupied().With("data.approvalRef", null)], 400, "events[0].data.approvalRef" },
        { "eventId repeated in the batch", [Occupied(area: 1m).With("eventId", "0b5e0c8e-4b7a-4c7e-9a55-0f0c1e7d2a11"),
            Occupied(area: 1m).With("eventId", "0b5e0c8e-4b7a-4c7e-9a55-0f0c1e7d2a11")], 400, "events[1].eventId" },
        { "validTo before validFrom", [Mine("C2").With("data.validTo", "2020-01-01")], 400, "events[0].data.validTo" },
        // Rules against state: 422.
        { "occupying more than the parcel holds", [Occupied(area: 10.0001m)], 422, "events[0].data.areaHa" },
        { "an event on a stream that does not exist", [Occupied("410102-999999")], 422, "events[0].stream" },
        { "creating a stream twice", [Parcel()], 422, "events[0].stream" },
        { "an effective date in the future", [Occupied(date: "2026-03-02")], 422, "events[0].effectiveDate" },
        { "an unregistered region", [Parcel("410104-000001").With("regionCode", "410104")], 422, "events[0].regionCode" },
        { "a region other than the stream's", [Parcel("P-1"), Occupied("P-1").With("regionCode", "410103")], 422, "events[1].regionCode" },
        { "a region whose parent is not registered", [Region("410200", "prefecture", Province), Region("410201", "county", "410300")], 422, "events[1].data.parentCode" },
        { "a region whose level contradicts its code", [Region("410300", "county", Province)], 422, "events[0].data.level" },
        { "a date before the stream was created", [Occupied(date: "2020-06-01")], 422, "events[0].effectiveDate" },
        { "rectifying an unknown encroachment", [Make("redline.encroachment-rectified", "410102-RL01", County,
            new JsonObject { ["encroachmentId"] = "nope", ["areaHa"] = 1m })], 422, "events[0].data.encroachmentId" },
        { "encroaching more than the zone holds", [Make("redline.encroachment-detected", "410102-RL01", County,
            new JsonObject { ["encroachmentId"] = "E9", ["areaHa"] = 100.5m, ["activity"] = "mining" })], 422, "events[0].data.areaHa" },
        { "shrinking a zone to nothing", [Make("redline.zone-adjusted", "410102-RL01", County,
            new JsonObject { ["deltaHa"] = -100m, ["reason"] = "x", ["approvalRef"] = "y" })], 422, "events[0].data.deltaHa" },
        { "damaging more than is occupied", [Make("mining.land-damaged", "C410102-M1", County,
            new JsonObject { ["areaHa"] = 1m, ["damage"] = "excavation" })], 422, "events[0].data.areaHa" },
        { "occupying beyond the permitted area", [Make("mining.land-occupied", "C410102-M1", County,
            new JsonObject { ["areaHa"] = 50.01m, ["priorUse"] = "forest" })], 422, "events[0].data.areaHa" },
        { "occupying after the site closed", [Make("mining.site-closed", "C410102-M1", County, new JsonObject()),
            Make("mining.land-occupied", "C410102-M1", County, new JsonObject { ["areaHa"] = 1m, ["priorUse"] = "forest" })], 422, "events[1].type" },
        { "cutting the water quota below zero", [Make("water.quota-adjusted", "410102-2024", County,
            new JsonObject { ["deltaQuota"] = -1000m, ["approvalRef"] = "x" })], 422, "events[0].data.deltaQuota" },
        { "reporting use outside the quota year", [Make("water.use-reported", "410102-2024", County, new JsonObject
        {
            ["periodStart"] = "2023-12-01", ["periodEnd"] = "2024-01-31", ["volume"] = 1m, ["source"] = "surface", ["sector"] = "industry",
        })], 422, "events[0].data.periodStart" },
        { "ending a tenure twice", [Make("tenure.ended", "T-410102-1", County, new JsonObject()),
            Make("tenure.ended", "T-410102-1", County, new JsonObject())], 422, "events[1].type" },
        { "correcting an event of another stream", [Make("farmland.area-corrected", "410102-000001", County,
            new JsonObject { ["deltaHa"] = 1m, ["reason"] = "x", ["correctsEventId"] = Guid.NewGuid().ToString() })], 422, "events[0].data.correctsEventId" },
        // Concurrency: 409.
        { "a stale expectedVersion", [Occupied().With("expectedVersion", 0)], 409, "events[0].expectedVersion" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task a_rejected_batch_names_the_field_and_changes_nothing(string why, JsonObject[] events, int status, string field)
    {
        var before = await app.EventCountAsync();
        // A valid event rides along: the batch is atomic, so it must not be stored either.
        var response = await app.PostEventsAsync(_writer, [.. events, Make("farmland.supplemented", "410102-000001", County,
            new JsonObject { ["areaHa"] = 1m, ["method"] = "consolidation" })]);

        var body = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(status, $"{why}: {body}");
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = JsonDocument.Parse(body).RootElement;
        problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ShouldContain(field, why);
        (await app.EventCountAsync()).ShouldBe(before, why);
    }

    [Fact]
    public async Task a_matching_expectedVersion_is_accepted()
    {
        var response = await app.PostEventsAsync(_writer, Occupied().With("expectedVersion", 1), Occupied(area: 1m).With("expectedVersion", 2));
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var versions = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("results").EnumerateArray()
            .Select(r => r.GetProperty("version").GetInt64());
        versions.ShouldBe([2L, 3L]);
    }

    [Fact]
    public async Task a_field_given_twice_is_refused_wherever_it_is()
    {
        var before = await app.EventCountAsync();
        var e = Occupied(area: 1m).ToJsonString();
        var twiceInData = e.Replace("\"areaHa\":1", "\"areaHa\":1,\"areaHa\":100");
        var twiceInEnvelope = e.Replace("\"type\":", "\"stream\":\"410102-000002\",\"type\":");
        foreach (var (body, field) in new[]
        {
            ($"{{\"events\":[{twiceInData}]}}", "events[0].data.areaHa"),
            ($"{{\"events\":[{twiceInEnvelope}]}}", "events[0].stream"),
            ($"{{\"events\":[{e}],\"events\":[]}}", "events"),
        })
        {
            var response = await app.SendAsync(HttpMethod.Post, "/api/v1/events", _writer, body);
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await response.Content.ReadAsStringAsync()).ShouldContain($"\"field\":\"{field}\",\"message\":\"appears more than once in its object\"");
        }
        (await app.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task malformed_json_is_a_400_problem()
    {
        var response = await app.SendAsync(HttpMethod.Post, "/api/v1/events", _writer, "{\"events\": [ {\"eventId\": ");
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task more_than_1000_events_is_a_413()
    {
        var events = Enumerable.Range(0, 1001).Select(_ => Occupied(area: 0.0001m)).ToArray();
        var before = await app.EventCountAsync();
        var response = await app.PostEventsAsync(_writer, events);
        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        (await app.EventCountAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task a_body_over_4_mb_is_a_413()
    {
        var note = new string('x', 4 * 1024 * 1024);
        var response = await app.SendAsync(HttpMethod.Post, "/api/v1/events", _writer, $"{{\"events\":[],\"pad\":\"{note}\"}}");
        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
    }
}
