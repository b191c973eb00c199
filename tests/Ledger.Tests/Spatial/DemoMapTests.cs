using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Demo;
using Ledger.Tests.Support;
using Shouldly;

namespace Ledger.Tests.Spatial;

[Collection(LedgerCollection.Name)]
public sealed class DemoMapTests(LedgerApp app) : IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task the_demo_county_shows_every_kind_of_overlap_without_a_reported_encroachment()
    {
        var writer = await app.KeyAsync("writer", "990000");
        var county = new DemoLedger().Events().Where(e => e["regionCode"]!.GetValue<string>() is "990000" or "990100" or "990101").ToArray();
        // The demo's own batching: it keeps a restoration pair (reclassification and restored parcel) in one batch.
        foreach (var chunk in DemoLedger.Batches(county, 500))
        {
            var response = await app.PostEventsAsync(writer, chunk);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        }

        var auditor = await app.KeyAsync("auditor", "990101");
        var overlaps = await (await app.SendAsync(HttpMethod.Get, "/api/v1/regions/990101/overlaps", auditor)).Content.ReadFromJsonAsync<JsonElement>();
        var found = overlaps.GetProperty("overlaps").EnumerateArray()
            .Select(o => $"{o.GetProperty("kind").GetString()} {o.GetProperty("layer").GetString()}").Distinct().Order().ToList();
        found.ShouldBe(["licence redline", "occupation permanentBasic", "occupation redline", "pre-existing redline"]);

        var map = await (await app.SendAsync(HttpMethod.Get, "/api/v1/regions/990101/map", auditor)).Content.ReadFromJsonAsync<JsonElement>();
        var layers = map.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties").GetProperty("layer").GetString()).Distinct().Order();
        layers.ShouldBe(["farmland", "footprints", "mining", "overlaps", "permanentBasic", "redline"]);
    }
}
