using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Tests.Support;
using Shouldly;
using static Ledger.Tests.Regions.Lineages;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Regions;

/// <summary>Every refused succession names its reason and changes nothing.</summary>
[Collection(LedgerCollection.Name)]
public sealed class SuccessionRulesTests(LedgerApp app) : IAsyncLifetime
{
    private string _writer = "";

    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        _writer = await app.KeyAsync("writer");
        await Ok([.. Lineages.Regions(), .. Parcels(), Region("410102", "county", "410100"), Region("410103", "county", "410100")]);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task a_successor_that_is_not_registered_is_refused() =>
        await Refused(422, "events[0].stream", "stream region/410188 does not exist", Succeeded("410188", "upgrade", "2023-01-01", OldCounty));

    [Fact]
    public async Task a_predecessor_that_is_not_registered_is_refused() =>
        await Refused(422, "events[0].data.predecessors", "region 410199 is not registered", Succeeded(District, "upgrade", "2023-01-01", "410199"));

    [Fact]
    public async Task a_predecessor_already_retired_is_refused()
    {
        await Ok(Succeeded(District, "upgrade", "2023-01-01", OldCounty));
        await Refused(422, "events[0].data.predecessors", $"region {OldCounty} is already retired: succeeded by {District} on 2023-01-01",
            Succeeded(Moved, "transfer", "2024-01-01", OldCounty));
    }

    [Fact]
    public async Task a_land_quota_or_water_quota_for_a_retired_code_is_refused()
    {
        await Ok(Succeeded(District, "upgrade", "2023-01-01", OldCounty));
        await Refused(422, "events[0].regionCode", $"region {OldCounty} was succeeded by {District} on 2023-01-01",
            Make("landquota.allocated", $"{OldCounty}-2024", OldCounty, new JsonObject { ["year"] = 2024, ["farmlandOccupationHa"] = 5m, ["planRef"] = "计划" }, "2024-01-01"));
        await Refused(422, "events[0].regionCode", $"region {OldCounty} was succeeded by {District} on 2023-01-01",
            Make("water.quota-allocated", $"{OldCounty}-2024", OldCounty, new JsonObject { ["year"] = 2024, ["totalQuota"] = 100m }, "2024-01-01"));
    }

    [Fact]
    public async Task a_region_registered_under_a_retired_parent_is_refused()
    {
        await Ok(Region("410300", "prefecture", "410000", "洛阳市"), Region("410400", "prefecture", "410000", "新洛阳市"));
        await Ok(Succeeded("410400", "renaming", "2022-01-01", "410300"));
        await Refused(422, "events[0].data.parentCode", "parent region 410300 was retired on 2022-01-01 (succeeded by 410400)",
            Region("410301", "county", "410300").With("effectiveDate", "2023-01-01"));
    }

    [Fact]
    public async Task a_cycle_is_refused()
    {
        await Ok(Succeeded("410103", "merger", "2022-01-01", "410102"));
        await Refused(422, "events[0].data.predecessors", "a cycle: 410103 already succeeds 410102", Succeeded("410102", "merger", "2021-01-01", "410103"));
    }

    [Fact]
    public async Task a_succession_dated_before_a_predecessor_was_registered_is_refused() =>
        await Refused(422, "events[0].data.predecessors", $"region {District} was registered on 2023-01-01, after the succession's date",
            Succeeded("410102", "merger", "2022-06-01", District));

    [Fact]
    public async Task a_succession_dated_before_records_under_the_old_code_is_refused()
    {
        await Ok(Occupy($"{OldCounty}-000001", OldCounty, 1m, "2023-03-01"));
        await Refused(422, "events[0].effectiveDate", $"region {OldCounty} has records effective as late as 2023-03-01",
            Succeeded(District, "upgrade", "2023-01-01", OldCounty));
    }

    [Fact]
    public async Task a_region_with_subdivisions_in_use_is_refused()
    {
        await Ok(Region("410300", "prefecture", "410000", "洛阳市"));
        await Refused(422, "events[0].data.predecessors", "region 410100 still has subdivisions in use on 2024-01-01",
            Succeeded("410300", "renaming", "2024-01-01", "410100"));
    }

    [Fact]
    public async Task a_batch_mixing_a_succession_with_other_events_is_refused() =>
        await Refused(400, "events[1].type", "a batch holding region.succeeded holds only region.succeeded events",
            Succeeded(District, "upgrade", "2023-01-01", OldCounty), Occupy($"{OldCounty}-000001", OldCounty, 1m, "2022-03-01"));

    [Theory]
    [InlineData("410100", "upgrade", "data.predecessors", "is a prefecture code and 410185 a county")]
    [InlineData(District, "upgrade", "data.predecessors", "a region cannot succeed itself")]
    [InlineData("410122,410102", "upgrade", "data.predecessors", "a upgrade names exactly one predecessor")]
    [InlineData("410122,410122", "merger", "data.predecessors", "is listed twice")]
    [InlineData("", "merger", "data.predecessors", "must hold 1 to 50 items")]
    [InlineData("4101220", "merger", "data.predecessors", "is not a six-digit GB/T 2260 region code")]
    [InlineData("410122", "annexation", "data.reason", "must be one of: merger, split, upgrade, renaming, transfer")]
    public async Task a_malformed_succession_is_refused(string predecessors, string reason, string field, string message) =>
        await Refused(400, $"events[0].{field}", message,
            Succeeded(District, reason, "2023-01-01", predecessors.Split(',', StringSplitOptions.RemoveEmptyEntries)));

    [Fact]
    public async Task streams_on_a_succession_that_is_not_a_split_are_refused() =>
        await Refused(400, "events[0].data.streams", "only a split allocates streams",
            Succeeded(District, "upgrade", "2023-01-01", OldCounty).With("data.streams", new JsonArray($"farmland/{OldCounty}-000001")));

    [Fact]
    public async Task a_split_needs_one_successor_taking_the_rest_and_streams_of_the_predecessor()
    {
        await Ok(Region("410186", "county", "410100", "新区").With("effectiveDate", "2023-01-01"));
        await Refused(422, "events[0].data.reason", "a split of 410122 is one batch with an event for each of at least two successors",
            Succeeded(District, "split", "2023-01-01", OldCounty));
        await Refused(422, "events[0].data.streams", "exactly one successor of the split of 410122 lists no streams",
            Split(District, $"farmland/{OldCounty}-000001"), Split("410186", $"farmland/{OldCounty}-000002"));
        await Refused(422, "events[1].data.streams", "farmland/410102-000009 does not exist",
            Succeeded(District, "split", "2023-01-01", OldCounty), Split("410186", "farmland/410102-000009"));
        await Refused(422, "events[1].data.streams", $"farmland/{OldCounty}-000001 is listed by events[0] too",
            Split(District, $"farmland/{OldCounty}-000001"), Split("410186", $"farmland/{OldCounty}-000001"),
            Succeeded("410102", "split", "2023-01-01", OldCounty));
    }

    private static JsonObject Split(string successor, params string[] streams) =>
        Succeeded(successor, "split", "2023-01-01", OldCounty).With("data.streams", new JsonArray(streams.Select(s => (JsonNode)s).ToArray()));

    private async Task Refused(int status, string field, string message, params JsonObject[] events)
    {
        var before = await app.EventCountAsync();
        var response = await app.PostEventsAsync(_writer, events);
        var body = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(status, body);
        var errors = JsonDocument.Parse(body).RootElement.GetProperty("errors").EnumerateArray().ToList();
        errors.ShouldContain(e => e.GetProperty("field").GetString() == field && e.GetProperty("message").GetString()!.Contains(message), body);
        (await app.EventCountAsync()).ShouldBe(before, "a refused batch changes nothing");
    }

    private async Task Ok(params JsonObject[] events)
    {
        var response = await app.PostEventsAsync(_writer, events);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }
}
