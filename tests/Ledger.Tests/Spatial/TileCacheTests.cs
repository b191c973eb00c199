using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Api.Map;
using Ledger.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Text;
using Shouldly;

namespace Ledger.Tests.Spatial;

/// <summary>Low-zoom tiles come from memory while the ledger is unchanged, keyed by what it had recorded by knownAt.</summary>
[Collection(LedgerCollection.Name)]
public sealed class TileCacheTests(LedgerApp app) : IAsyncLifetime
{
    // The zoom 1 tile holding the test county (113.6°E 34.7°N): the north-eastern quarter of the world.
    private const string Z1 = "/api/v1/regions/410102/tiles/1/1/0.mvt";
    private string _auditor = "", _writer = "";

    public async Task InitializeAsync()
    {
        await MapScenario.LoadAsync(app);
        _auditor = await app.KeyAsync("auditor", "410102");
        _writer = await app.KeyAsync("writer", "410000");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private TileCache Cache => app.Services.GetRequiredService<TileCache>();

    [Fact]
    public async Task a_z1_tile_is_served_from_memory_the_second_time_and_a_new_append_changes_the_tile_known_now()
    {
        // Zones a degree wide: a pixel of a zoom 1 tile is about 0.04°, so the scenario's 1 km cells alone draw nothing there.
        await PostAsync(Ev.Zone("410102-RL90").Drawn(Geo.Box(113.0, 34.0, 1.0, 1.0)));
        var hits = Cache.Hits;
        var first = await TileAsync(Z1);
        first.ShouldNotBeEmpty();
        (await TileAsync(Z1)).ShouldBe(first);
        Cache.Hits.ShouldBe(hits + 1, "the second read of an unchanged ledger comes from memory");

        var between = app.Clock.GetCurrentInstant();
        app.Clock.Advance(Duration.FromHours(1));
        await PostAsync(Ev.Zone("410102-RL91").Drawn(Geo.Box(114.5, 35.5, 1.0, 1.0)));
        var now = await TileAsync(Z1);
        now.ShouldNotBe(first, "a new append makes a new tile known now");
        Cache.Hits.ShouldBe(hits + 1);

        // Known at any instant between the two appends: the first tile, from memory, however finely the instant is moved.
        (await TileAsync($"{Z1}?knownAt={Format(between)}")).ShouldBe(first);
        (await TileAsync($"{Z1}?knownAt={Format(between + Duration.FromTicks(10))}")).ShouldBe(first);
        (await TileAsync($"{Z1}?knownAt={Format(between + Duration.FromMinutes(30))}")).ShouldBe(first);
        Cache.Hits.ShouldBe(hits + 4);
        (await TileAsync(Z1)).ShouldBe(now);
        Cache.Hits.ShouldBe(hits + 5);
    }

    [Fact]
    public async Task a_batch_recorded_before_knownAt_but_stored_after_the_tile_was_kept_is_not_hidden_by_it()
    {
        var recorded = await PostAsync(Ev.Zone("410102-RL90").Drawn(Geo.Box(113.0, 34.0, 1.0, 1.0)));
        app.Clock.Advance(Duration.FromHours(2));
        var knownAt = $"{Z1}?knownAt={Format(app.Clock.GetCurrentInstant())}";
        var kept = await TileAsync(knownAt);
        (await TileAsync(knownAt)).ShouldBe(kept);

        // As a slow batch would: its instant taken before the newest one known then, its commit after the tile was kept.
        app.Clock.Reset(recorded - Duration.FromMinutes(10));
        await PostAsync(Ev.Zone("410102-RL91").Drawn(Geo.Box(114.5, 35.5, 1.0, 1.0)));
        (await TileAsync(knownAt)).ShouldNotBe(kept);
    }

    [Fact]
    public async Task the_layers_and_the_date_are_part_of_the_key_and_zoom_8_is_not_kept()
    {
        await PostAsync(Ev.Zone("410102-RL90").Drawn(Geo.Box(113.0, 34.0, 1.0, 1.0)));
        var hits = Cache.Hits;
        var zones = await TileAsync($"{Z1}?layers=redline,mining");
        (await TileAsync($"{Z1}?layers=mining,redline")).ShouldBe(zones); // the same layers in another order
        (await TileAsync($"{Z1}?layers=mining", HttpStatusCode.NoContent)).ShouldBeEmpty();
        (await TileAsync($"{Z1}?layers=redline,mining&asOf=2020-12-31", HttpStatusCode.NoContent)).ShouldBeEmpty();
        Cache.Hits.ShouldBe(hits + 1);

        // The zoom 8 tile of the county (x 208, y 101): read each time.
        await TileAsync("/api/v1/regions/410102/tiles/8/208/101.mvt");
        await TileAsync("/api/v1/regions/410102/tiles/8/208/101.mvt");
        Cache.Hits.ShouldBe(hits + 1);
    }

    [Fact]
    public async Task two_requests_missing_the_same_tile_together_read_it_once()
    {
        await PostAsync(Ev.Zone("410102-RL90").Drawn(Geo.Box(113.0, 34.0, 1.0, 1.0)));
        var (shared, hits) = (Cache.Shared, Cache.Hits);
        // The geometry table held locked: the first request's read waits on it while the second misses on the same tile.
        await using var hold = await GeometryTableHold.TakeAsync(app.ConnectionString);
        var first = TileAsync(Z1);
        await Until(() => Cache.Reading == 1);
        var second = TileAsync(Z1);
        await Until(() => Cache.Waiting == 1);
        await hold.ReleaseAsync();
        (await second).ShouldBe(await first);
        Cache.Shared.ShouldBe(shared + 1);
        Cache.Hits.ShouldBe(hits);
        (Cache.Reading, Cache.Waiting).ShouldBe((0, 0));
    }

    [Fact]
    public async Task when_the_request_reading_a_tile_goes_away_the_one_waiting_for_it_reads_it_itself()
    {
        await PostAsync(Ev.Zone("410102-RL90").Drawn(Geo.Box(113.0, 34.0, 1.0, 1.0)));
        var shared = Cache.Shared;
        await using var hold = await GeometryTableHold.TakeAsync(app.ConnectionString);
        using var leaving = new CancellationTokenSource();
        using var request = new HttpRequestMessage(HttpMethod.Get, Z1);
        request.Headers.Add("X-Api-Key", _auditor);
        var first = app.Http.SendAsync(request, leaving.Token);
        await Until(() => Cache.Reading == 1);
        var second = TileAsync(Z1);
        await Until(() => Cache.Waiting == 1);
        await leaving.CancelAsync(); // the first request's client goes away: its read is cancelled
        await Should.ThrowAsync<OperationCanceledException>(first);
        await Until(() => Cache.Waiting == 0);
        await hold.ReleaseAsync();
        (await second).ShouldNotBeEmpty();
        Cache.Shared.ShouldBe(shared);
        (Cache.Reading, Cache.Waiting).ShouldBe((0, 0));
    }

    private static async Task Until(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++) await Task.Delay(50);
        condition().ShouldBeTrue();
    }

    /// <summary>Posts one event; returns when it was recorded.</summary>
    private async Task<Instant> PostAsync(System.Text.Json.Nodes.JsonObject e)
    {
        var posted = await app.PostEventsAsync(_writer, e);
        posted.StatusCode.ShouldBe(HttpStatusCode.OK, await posted.Content.ReadAsStringAsync());
        var result = (await posted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("results")[0];
        return InstantPattern.ExtendedIso.Parse(result.GetProperty("recordedAt").GetString()!).Value;
    }

    private async Task<byte[]> TileAsync(string url, HttpStatusCode status = HttpStatusCode.OK)
    {
        var response = await app.SendAsync(HttpMethod.Get, url, _auditor);
        response.StatusCode.ShouldBe(status, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadAsByteArrayAsync();
    }

    private static string Format(Instant i) => Uri.EscapeDataString(InstantPattern.ExtendedIso.Format(i));
}
