using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Tests.Support;
using Shouldly;
using static Ledger.Tests.LandQuota.LandQuotaScenario;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.LandQuota;

[Collection(LedgerCollection.Name)]
public sealed class LandQuotaInputTests(LedgerApp app) : IAsyncLifetime
{
    private string _writer = "";

    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        _writer = await app.KeyAsync("writer", "410000");
        var setup = await app.PostEventsAsync(_writer, [.. QuotaRegions(), Allocated(County, 2024, 10m, "2024-01-05")]);
        setup.StatusCode.ShouldBe(HttpStatusCode.OK, await setup.Content.ReadAsStringAsync());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static JsonObject Delta(decimal? farmland, decimal? construction)
    {
        var data = new JsonObject { ["approvalRef"] = "批1" };
        if (farmland is { } f) data["deltaFarmlandOccupationHa"] = f;
        if (construction is { } c) data["deltaNewConstructionHa"] = c;
        return data;
    }

    public static TheoryData<string, JsonObject[], int, string, string> Cases() => new()
    {
        { "zero quota", [Allocated("410103", 2024, 0m, "2024-01-05")], 400, "events[0].data.farmlandOccupationHa", "greater than 0" },
        { "negative quota", [Allocated("410103", 2024, -1m, "2024-01-05")], 400, "events[0].data.farmlandOccupationHa", "greater than 0" },
        { "missing quota", [Allocated("410103", 2024, 1m, "2024-01-05").With("data.farmlandOccupationHa", null)], 400,
            "events[0].data.farmlandOccupationHa", "required" },
        { "zero new construction", [Allocated("410103", 2024, 1m, "2024-01-05", newConstruction: 0m)], 400, "events[0].data.newConstructionHa", "greater than 0" },
        { "missing planRef", [Allocated("410103", 2024, 1m, "2024-01-05").With("data.planRef", null)], 400, "events[0].data.planRef", "required" },
        { "year not the stream key's", [Allocated("410103", 2024, 1m, "2024-01-05").With("data.year", 2025)], 400, "events[0].data.year", "410103-2024" },
        { "stream key of another region", [Allocated("410103", 2024, 1m, "2024-01-05").With("regionCode", County)], 400, "events[0].stream",
            "belongs to region 410103" },
        { "stream key not regionCode-year", [Allocated("410103", 2024, 1m, "2024-01-05").With("stream", "410103")], 400, "events[0].stream",
            "regionCode-year" },
        { "both deltas missing", [Adjusted(County, 2024, Delta(null, null))], 400, "events[0].data.deltaFarmlandOccupationHa", "or both" },
        { "a zero delta", [Adjusted(County, 2024, Delta(0m, null))], 400, "events[0].data.deltaFarmlandOccupationHa", "must not be 0" },
        { "quota for an unregistered region", [Allocated("410104", 2024, 1m, "2024-01-05")], 422, "events[0].regionCode", "" },
        { "adjusting before any allocation", [Adjusted("410103", 2024, Delta(1m, null))], 422, "events[0].stream", "" },
        { "allocating a year twice", [Allocated(County, 2024, 1m, "2024-02-01")], 422, "events[0].stream", "" },
        { "an adjustment leaving a negative quota", [Adjusted(County, 2024, Delta(-10.5m, null))], 422, "events[0].data.deltaFarmlandOccupationHa",
            "10 ha allocated for 2024, change -10.5 ha" },
        { "cutting a new-construction quota never allocated", [Adjusted(County, 2024, Delta(null, -1m))], 422, "events[0].data.deltaNewConstructionHa",
            "0 ha of new construction land" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task a_bad_land_quota_names_the_field_and_stores_nothing(string why, JsonObject[] events, int status, string field, string message)
    {
        var before = await app.EventCountAsync();
        var response = await app.PostEventsAsync(_writer, events);
        var body = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(status, $"{why}: {body}");
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var error = JsonDocument.Parse(body).RootElement.GetProperty("errors").EnumerateArray()
            .First(e => e.GetProperty("field").GetString() == field);
        error.GetProperty("message").GetString()!.ShouldContain(message, Case.Insensitive, why);
        (await app.EventCountAsync()).ShouldBe(before, why);
    }

    [Fact]
    public async Task a_quota_may_be_cut_to_zero_and_a_new_construction_quota_granted_by_adjustment()
    {
        var response = await app.PostEventsAsync(_writer, Adjusted(County, 2024, Delta(-10m, 4m)));
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var stream = JsonDocument.Parse(await (await app.SendAsync(HttpMethod.Get, $"/api/v1/streams/landquota/{County}-2024",
            await app.KeyAsync("auditor"))).Content.ReadAsStringAsync()).RootElement.GetProperty("state");
        (stream.GetProperty("farmlandOccupationHa").GetDecimal(), stream.GetProperty("newConstructionHa").GetDecimal()).ShouldBe((0m, 4m));
    }
}
