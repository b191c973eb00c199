using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Api.Map;
using Ledger.Spatial;
using Ledger.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;

namespace Ledger.Tests.Spatial;

/// <summary>Every map, overlaps and tile read ends within its timeout, and a nation-wide one within its caps.</summary>
[Collection(LedgerCollection.Name)]
public sealed class MapTimeoutTests(LedgerApp app)
{
    /// <summary>Beyond the timeout, for the answer to travel on a machine busy with other tests.</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task a_read_past_the_timeout_answers_503_in_time_and_the_database_stops_it()
    {
        await MapScenario.LoadAsync(app);
        var auditor = await app.KeyAsync("auditor", "410102");
        var limits = MapLimits.Default with { Timeout = TimeSpan.FromSeconds(1) };
        await using var host = new BoundedMapHost(app, limits);
        string[] urls = ["/api/v1/regions/410102/map", "/api/v1/regions/410102/overlaps", "/api/v1/regions/410102/tiles/12/3340/1626.mvt",
            "/api/v1/regions/410102/tiles/1/1/0.mvt"];
        foreach (var url in urls) (await host.GetAsync(url, auditor)).IsSuccessStatusCode.ShouldBeTrue(url); // warm: a first request compiles

        await using var hold = await GeometryTableHold.TakeAsync(app.ConnectionString);
        var (conn, tx) = (hold.Connection, hold.Transaction);
        foreach (var url in urls.Select(u => u + "?asOf=2025-01-01")) // a tile not in the cache
        {
            var clock = Stopwatch.StartNew();
            var response = await host.GetAsync(url, auditor);
            clock.Elapsed.ShouldBeLessThan(limits.Timeout + Margin, url);
            clock.Elapsed.ShouldBeGreaterThanOrEqualTo(limits.Timeout * 0.9, url);
            response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, url);
            response.Headers.RetryAfter.ShouldNotBeNull(url);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            problem.GetProperty("detail").GetString()!.ShouldContain("LEDGER_MAP_TIMEOUT_SECONDS");

            // PostgreSQL stopped the statement itself: nothing is still waiting on the lock.
            await using var waiting = new NpgsqlCommand(
                "select count(*) from pg_stat_activity where pid <> pg_backend_pid() and state = 'active' and query like '%geo_versions%'", conn, tx);
            ((long)(await waiting.ExecuteScalarAsync())!).ShouldBe(0, url);
        }
        await hold.ReleaseAsync();
        (await host.GetAsync(urls[0], auditor)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task the_workbench_map_page_is_bounded_by_the_same_timeout()
    {
        await MapScenario.LoadAsync(app);
        var auditor = await app.KeyAsync("auditor", "410102");
        var limits = MapLimits.Default with { Timeout = TimeSpan.FromSeconds(1) };
        await using var host = new BoundedMapHost(app, limits);
        using var http = host.PlainClient();
        var cookie = Workbench.WorkbenchForms.SessionCookie(await Workbench.WorkbenchForms.SignIn(http, auditor));
        using (var warm = await Workbench.WorkbenchForms.Page(http, cookie, "/ui/regions/410102/map"))
            warm.StatusCode.ShouldBe(HttpStatusCode.OK, await warm.Content.ReadAsStringAsync());

        // The region's extent, read first, waits on the held table and stops at the timeout; the list is then not read.
        await using var hold = await GeometryTableHold.TakeAsync(app.ConnectionString);
        var clock = Stopwatch.StartNew();
        using var page = await Workbench.WorkbenchForms.Page(http, cookie, "/ui/regions/410102/map");
        clock.Elapsed.ShouldBeLessThan(limits.Timeout + Margin);
        clock.Elapsed.ShouldBeGreaterThanOrEqualTo(limits.Timeout * 0.9);
        page.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        page.Headers.RetryAfter.ShouldNotBeNull();
        (await page.Content.ReadAsStringAsync()).ShouldContain("LEDGER_MAP_TIMEOUT_SECONDS");
        await hold.ReleaseAsync();
    }

    [Fact]
    public async Task a_nationwide_map_and_a_z1_tile_are_bounded_in_time()
    {
        await app.ResetAsync();
        var writer = await app.KeyAsync("writer", "410000");
        (await app.PostEventsAsync(writer, Ev.RegionTree())).StatusCode.ShouldBe(HttpStatusCode.OK);
        // 2,000 parcels of 20 vertices over 3° × 3°, each wide enough to be drawn at zoom 1: four times the cap below.
        for (var batch = 0; batch < 4; batch++)
        {
            var parcels = Enumerable.Range(batch * 500, 500)
                .Select(n => Ev.Parcel($"410102-{n:000000}").Drawn(Geo.Round(112 + n % 45 * 0.07, 33 + n / 45 * 0.07, 0.03, 20))).ToArray();
            var posted = await app.PostEventsAsync(writer, parcels);
            posted.StatusCode.ShouldBe(HttpStatusCode.OK, await posted.Content.ReadAsStringAsync());
        }
        var auditor = await app.KeyAsync("auditor");
        var limits = new MapLimits(500, 32 * 1024 * 1024, TimeSpan.FromSeconds(5));
        await using var host = new BoundedMapHost(app, limits);

        async Task<(HttpResponseMessage Response, TimeSpan Took)> TimedAsync(string url)
        {
            var clock = Stopwatch.StartNew();
            var response = await host.GetAsync(url, auditor);
            await response.Content.LoadIntoBufferAsync();
            clock.Elapsed.ShouldBeLessThan(limits.Timeout + Margin, url);
            return (response, clock.Elapsed);
        }

        var (map, _) = await TimedAsync("/api/v1/regions/000000/map");
        map.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity, await map.Content.ReadAsStringAsync());
        var (part, _) = await TimedAsync("/api/v1/regions/000000/map?bbox=113,34,113.3,34.3");
        part.StatusCode.ShouldBe(HttpStatusCode.OK, await part.Content.ReadAsStringAsync());
        (await part.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("features").GetArrayLength().ShouldBeInRange(1, 500);

        var cache = host.Services.GetRequiredService<TileCache>();
        var (tile, _) = await TimedAsync("/api/v1/regions/000000/tiles/1/1/0.mvt");
        tile.StatusCode.ShouldBe(HttpStatusCode.OK);
        var (again, _) = await TimedAsync("/api/v1/regions/000000/tiles/1/1/0.mvt");
        (await again.Content.ReadAsByteArrayAsync()).ShouldBe(await tile.Content.ReadAsByteArrayAsync());
        cache.Hits.ShouldBe(1);
    }
}
