using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Tests.Support;
using NodaTime;
using NodaTime.Text;
using Shouldly;

namespace Ledger.Tests.Spatial;

[Collection(LedgerCollection.Name)]
public sealed class OverlapTests(LedgerApp app) : IAsyncLifetime
{
    private string _auditor = "";
    private Instant _laterZoneRecorded;

    public async Task InitializeAsync()
    {
        _laterZoneRecorded = await MapScenario.LoadAsync(app);
        _auditor = await app.KeyAsync("auditor", "410100");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task the_ledger_finds_occupations_licences_and_pre_existing_footprints_without_any_reported_encroachment()
    {
        var overlaps = await OverlapsAsync("");
        overlaps.Select(Describe).Order().ShouldBe(new[]
        {
            "licence redline mining/C410102-M1 × redline/410102-RL01 2021-01-01",
            "occupation permanentBasic farmland/410102-P1 × farmland/410102-P1 2022-06-01",
            "occupation redline mining/C410102-M1 × redline/410102-RL01 2022-03-01",
            "pre-existing redline farmland/410102-P1 × redline/410102-RL02 2023-01-01",
        }.Order());
        var licence = overlaps.Single(o => o.GetProperty("kind").GetString() == "licence");
        // One cell of 1/100° × 1/100° at 34.73°N: 9,139 m × ... about 101 ha; the licence shares exactly that cell with the zone.
        licence.GetProperty("areaHa").GetDecimal().ShouldBe(Geo.AreaHa(Geo.Cell(3, 3, 1, 1)), 0.01m);
        licence.GetProperty("id").GetString().ShouldNotBeNullOrEmpty();
        licence.GetProperty("protected").GetProperty("eventId").GetString().ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task boundaries_that_only_touch_are_not_an_overlap()
    {
        var overlaps = await OverlapsAsync("");
        overlaps.ShouldNotContain(o => o.GetProperty("footprint").GetProperty("stream").GetString() == MapScenario.TouchingMineKey);
    }

    [Fact]
    public async Task overlaps_are_bitemporal()
    {
        var before = await OverlapsAsync($"?knownAt={InstantPattern.ExtendedIso.Format(_laterZoneRecorded - Duration.FromMinutes(30))}");
        before.ShouldNotContain(o => o.GetProperty("kind").GetString() == "pre-existing");
        before.Count.ShouldBe(3);

        var window = await OverlapsAsync("?from=2022-01-01&to=2022-12-31");
        window.Select(o => o.GetProperty("effectiveDate").GetString()).Order().ShouldBe(["2022-03-01", "2022-06-01"]);
    }

    [Theory]
    [InlineData("?from=2022-13-01", "from")]
    [InlineData("?knownAt=yesterday", "knownAt")]
    [InlineData("?from=2023-01-01&to=2022-01-01", "to")]
    public async Task bad_parameters_are_problems(string query, string field)
    {
        var response = await app.SendAsync(HttpMethod.Get, $"/api/v1/regions/410102/overlaps{query}", _auditor);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0].GetProperty("field").GetString().ShouldBe(field);
    }

    [Fact]
    public async Task scope_is_checked_before_anything_else()
    {
        var outsider = await app.KeyAsync("auditor", "420000");
        (await app.SendAsync(HttpMethod.Get, "/api/v1/regions/410102/overlaps?from=garbage", outsider)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var writer = await app.KeyAsync("writer", "410000");
        (await app.SendAsync(HttpMethod.Get, "/api/v1/regions/410102/overlaps", writer)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    private async Task<List<JsonElement>> OverlapsAsync(string query)
    {
        var response = await app.SendAsync(HttpMethod.Get, $"/api/v1/regions/410102/overlaps{query}", _auditor);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("region").GetString().ShouldBe("410102");
        return body.GetProperty("overlaps").EnumerateArray().ToList();
    }

    private static string Describe(JsonElement o)
    {
        string Party(string name) => $"{o.GetProperty(name).GetProperty("domain").GetString()}/{o.GetProperty(name).GetProperty("stream").GetString()}";
        return $"{o.GetProperty("kind").GetString()} {o.GetProperty("layer").GetString()} {Party("footprint")} × {Party("protected")} {o.GetProperty("effectiveDate").GetString()}";
    }
}
