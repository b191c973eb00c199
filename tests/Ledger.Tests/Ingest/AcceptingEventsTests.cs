using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Events;
using Ledger.Tests.Support;
using Shouldly;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Ingest;

[Collection(LedgerCollection.Name)]
public sealed class AcceptingEventsTests(LedgerApp app) : IAsyncLifetime
{
    private string _writer = "";

    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        _writer = await app.KeyAsync("writer", "410000", "henan-writer");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task every_event_type_is_accepted_when_valid()
    {
        var batch = Scenarios.EveryType();
        // A succession is posted in a batch of its own (it changes which code later events name).
        var succession = Scenarios.Succession();
        batch.Concat(succession).Select(e => e["type"]!.GetValue<string>()).ToHashSet()
            .ShouldBe(EventCatalog.Types.Select(t => t.Name).ToHashSet(), ignoreOrder: true);

        var response = await app.PostEventsAsync(_writer, batch);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var results = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("results").EnumerateArray().ToList();
        results.Count.ShouldBe(batch.Length);
        results.ShouldAllBe(r => r.GetProperty("status").GetString() == "appended");
        results.Select(r => r.GetProperty("eventId").GetString()).ShouldBe(batch.Select(e => e["eventId"]!.GetValue<string>()));
        results.Select(r => r.GetProperty("sequence").GetInt64()).Distinct().Count().ShouldBe(batch.Length);
        (await app.EventCountAsync()).ShouldBe(batch.Length);

        (await app.PostEventsAsync(_writer, Region("410103", "county", City))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var succeeded = await app.PostEventsAsync(_writer, succession);
        succeeded.StatusCode.ShouldBe(HttpStatusCode.OK, await succeeded.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task the_stream_state_folds_the_accepted_events()
    {
        (await app.PostEventsAsync(_writer, Scenarios.EveryType())).StatusCode.ShouldBe(HttpStatusCode.OK);
        var auditor = await app.KeyAsync("auditor", "410100");

        var parcel = await GetJson($"/api/v1/streams/farmland/410102-000001", auditor);
        var state = parcel.GetProperty("state");
        // 10 - 1 - 0.5 - 0.25 + 2 - 0.125 = 10.125; PB: 6 designated - 1 released = 5
        state.GetProperty("areaHa").GetDecimal().ShouldBe(10.125m);
        state.GetProperty("permanentBasicHa").GetDecimal().ShouldBe(5m);
        parcel.GetProperty("version").GetInt64().ShouldBe(8);

        var mine = (await GetJson("/api/v1/streams/mining/C410102-M1", auditor)).GetProperty("state");
        mine.GetProperty("occupiedHa").GetDecimal().ShouldBe(16m);
        mine.GetProperty("damagedUnreclaimedHa").GetDecimal().ShouldBe(8m);
        var water = (await GetJson($"/api/v1/streams/water/410102-2024", auditor)).GetProperty("state");
        water.GetProperty("totalQuota").GetDecimal().ShouldBe(950m);
        water.GetProperty("useTotal").GetDecimal().ShouldBe(240.5m);
    }

    [Fact]
    public async Task history_lists_each_event_with_its_metadata_and_client()
    {
        var batch = Scenarios.EveryType();
        await app.PostEventsAsync(_writer, batch);
        var investigator = await app.KeyAsync("investigator");

        var history = await GetJson("/api/v1/streams/farmland/410102-000001/events", investigator);
        var events = history.GetProperty("events").EnumerateArray().ToList();
        events.Count.ShouldBe(8);
        var first = events[0];
        first.GetProperty("type").GetString().ShouldBe("farmland.parcel-registered");
        first.GetProperty("version").GetInt64().ShouldBe(1);
        first.GetProperty("effectiveDate").GetString().ShouldBe("2021-01-01");
        first.GetProperty("client").GetString().ShouldBe("henan-writer");
        first.GetProperty("data").GetProperty("areaHa").GetDecimal().ShouldBe(10m);
        first.GetProperty("recordedAt").GetString()!.ShouldStartWith("2026-03-01T08:");
    }

    [Fact]
    public async Task asOf_and_knownAt_replay_the_raw_events()
    {
        await app.PostEventsAsync(_writer, [.. RegionTree(), Parcel(area: 10m)]);
        var before = app.Clock.GetCurrentInstant();
        app.Clock.Advance(NodaTime.Duration.FromDays(1));
        await app.PostEventsAsync(_writer, Occupied(area: 4m, date: "2022-06-01"));
        var auditor = await app.KeyAsync("auditor");

        async Task<decimal> Area(string query) =>
            (await GetJson($"/api/v1/streams/farmland/410102-000001?{query}", auditor)).GetProperty("state").GetProperty("areaHa").GetDecimal();

        (await Area("")).ShouldBe(6m);
        (await Area("asOf=2022-05-31")).ShouldBe(10m);
        (await Area($"knownAt={NodaTime.Text.InstantPattern.ExtendedIso.Format(before)}")).ShouldBe(10m);
        (await Area("asOf=2022-06-01")).ShouldBe(6m);
        (await app.SendAsync(HttpMethod.Get, "/api/v1/streams/farmland/410102-000001?asOf=2020-12-31", auditor))
            .StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await app.SendAsync(HttpMethod.Get, "/api/v1/streams/farmland/410102-000001?asOf=yesterday", auditor))
            .StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    private async Task<JsonElement> GetJson(string url, string key)
    {
        var response = await app.SendAsync(HttpMethod.Get, url, key);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
