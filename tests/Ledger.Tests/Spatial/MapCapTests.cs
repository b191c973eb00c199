using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Spatial;
using Ledger.Tests.Support;
using Shouldly;

namespace Ledger.Tests.Spatial;

/// <summary>
/// <see cref="MapScenario"/>'s county has 12 map features (2 red lines, 2 mines, a parcel, its
/// permanent basic farmland, 2 footprints, 4 overlaps) and 4 overlaps dated 2021-01-01,
/// 2022-03-01, 2022-06-01 and 2023-01-01: caps of 5 features or 3 overlaps refuse the whole and
/// serve a part.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class MapCapTests(LedgerApp app) : IAsyncLifetime
{
    private static readonly MapLimits Small = MapLimits.Default with { MaxFeatures = 5 };
    private string _auditor = "";

    public async Task InitializeAsync()
    {
        await MapScenario.LoadAsync(app);
        _auditor = await app.KeyAsync("auditor", "410102");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task a_map_over_the_feature_cap_is_refused_saying_how_to_narrow_and_a_bbox_inside_the_cap_is_served()
    {
        await using var host = new BoundedMapHost(app, Small);
        var refused = await host.GetAsync("/api/v1/regions/410102/map", _auditor);
        var problem = await Problem(refused, HttpStatusCode.UnprocessableEntity);
        problem.GetProperty("detail").GetString()!.ShouldSatisfyAllConditions(
            d => d.ShouldContain("at least 6 features"), d => d.ShouldContain("more than the 5"), d => d.ShouldContain("LEDGER_MAP_MAX_FEATURES"),
            d => d.ShouldContain("bbox"), d => d.ShouldContain("fewer layers"), d => d.ShouldContain("smaller region"));
        problem.GetProperty("errors")[0].GetProperty("field").GetString().ShouldBe("bbox");

        // A corner of RL01 that nothing else reaches.
        var part = await host.GetAsync("/api/v1/regions/410102/map?bbox=113.601,34.701,113.61,34.71", _auditor);
        part.StatusCode.ShouldBe(HttpStatusCode.OK, await part.Content.ReadAsStringAsync());
        var features = (await part.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("features");
        features.GetArrayLength().ShouldBe(1);
        features[0].GetProperty("properties").GetProperty("stream").GetString().ShouldBe(MapScenario.ZoneKey);
    }

    [Theory]
    [InlineData("redline,mining", HttpStatusCode.OK)] // 2 + 2
    [InlineData("redline,mining,farmland,permanentBasic", HttpStatusCode.UnprocessableEntity)] // 2 + 2 + 1 + 1: no layer alone is over
    [InlineData("overlaps", HttpStatusCode.OK)] // 4
    [InlineData("overlaps,footprints", HttpStatusCode.UnprocessableEntity)] // 4 + 2
    public async Task the_feature_cap_counts_the_layers_together(string layers, HttpStatusCode expected)
    {
        await using var host = new BoundedMapHost(app, Small);
        var response = await host.GetAsync($"/api/v1/regions/410102/map?layers={layers}", _auditor);
        response.StatusCode.ShouldBe(expected, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task a_map_over_the_byte_cap_is_refused_and_a_smaller_part_is_served()
    {
        await using var host = new BoundedMapHost(app, MapLimits.Default with { MaxBytes = 2_000 });
        var problem = await Problem(await host.GetAsync("/api/v1/regions/410102/map", _auditor), HttpStatusCode.UnprocessableEntity);
        problem.GetProperty("detail").GetString()!.ShouldSatisfyAllConditions(d => d.ShouldContain("more than the 2,000"), d => d.ShouldContain("LEDGER_MAP_MAX_MB"));
        problem.GetProperty("errors")[0].GetProperty("field").GetString().ShouldBe("bbox");

        var one = await host.GetAsync("/api/v1/regions/410102/map?layers=farmland", _auditor);
        one.StatusCode.ShouldBe(HttpStatusCode.OK, await one.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task overlaps_over_the_cap_are_refused_saying_to_narrow_the_period_and_a_shorter_period_is_served()
    {
        await using var host = new BoundedMapHost(app, MapLimits.Default with { MaxFeatures = 3 });
        var problem = await Problem(await host.GetAsync("/api/v1/regions/410102/overlaps", _auditor), HttpStatusCode.UnprocessableEntity);
        problem.GetProperty("detail").GetString()!.ShouldSatisfyAllConditions(d => d.ShouldContain("at least 4 overlaps"), d => d.ShouldContain("from and to"));
        problem.GetProperty("errors")[0].GetProperty("field").GetString().ShouldBe("from");

        var later = await host.GetAsync("/api/v1/regions/410102/overlaps?from=2022-01-01", _auditor);
        later.StatusCode.ShouldBe(HttpStatusCode.OK, await later.Content.ReadAsStringAsync());
        (await later.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("overlaps").GetArrayLength().ShouldBe(3);
    }

    [Fact]
    public async Task the_workbench_lists_the_earliest_overlaps_up_to_the_cap_and_says_there_are_more()
    {
        await using var host = new BoundedMapHost(app, MapLimits.Default with { MaxFeatures = 3 });
        using var http = host.PlainClient();
        var cookie = Workbench.WorkbenchForms.SessionCookie(await Workbench.WorkbenchForms.SignIn(http, _auditor));
        using var page = await Workbench.WorkbenchForms.Page(http, cookie, "/ui/regions/410102/map?asOf=2025-01-01");
        var html = await page.Content.ReadAsStringAsync();
        page.StatusCode.ShouldBe(HttpStatusCode.OK, html);
        html.ShouldContain("仅列出最早的 3 项叠加");
        var table = html[html.IndexOf("id=\"overlaps\"", StringComparison.Ordinal)..];
        table.ShouldContain("2021-01-01");
        table.ShouldContain("2022-06-01");
        table.ShouldNotContain("2023-01-01"); // the fourth, past the cap

        await using var roomy = new BoundedMapHost(app, MapLimits.Default with { MaxFeatures = 4 });
        using var http2 = roomy.PlainClient();
        var cookie2 = Workbench.WorkbenchForms.SessionCookie(await Workbench.WorkbenchForms.SignIn(http2, _auditor));
        using var whole = await Workbench.WorkbenchForms.Page(http2, cookie2, "/ui/regions/410102/map?asOf=2025-01-01");
        var all = await whole.Content.ReadAsStringAsync();
        all.ShouldNotContain("仅列出最早的");
        all[all.IndexOf("id=\"overlaps\"", StringComparison.Ordinal)..].ShouldContain("2023-01-01");
    }

    [Fact]
    public async Task the_default_caps_leave_an_ordinary_county_alone()
    {
        var map = await app.SendAsync(HttpMethod.Get, "/api/v1/regions/410102/map", _auditor);
        map.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await map.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("features").GetArrayLength().ShouldBe(12);
    }

    private static async Task<JsonElement> Problem(HttpResponseMessage response, HttpStatusCode status)
    {
        response.StatusCode.ShouldBe(status, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
