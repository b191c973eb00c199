using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Demo;
using Ledger.Tests.Support;
using Shouldly;

namespace Ledger.Tests.LandUse;

/// <summary>
/// The demo's first county carries land of every kind the workbench's land-use views draw: other
/// classes, farmland converted out and restored in (a restoration pair, posted through the demo's
/// own batching), a year with a surplus and a year with a deficit.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class DemoLandUseTests(LedgerApp app) : IAsyncLifetime
{
    private const string County = "990101";
    private readonly DemoLedger _demo = new();
    private string _auditor = "";

    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        var writer = await app.KeyAsync("writer", "990000");
        var events = _demo.Events().Where(e => e["regionCode"]!.GetValue<string>() is "990000" or "990100" or County).ToArray();
        foreach (var batch in DemoLedger.Batches(events, 500))
        {
            var response = await app.PostEventsAsync(writer, batch);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        }
        _auditor = await app.KeyAsync("auditor", County);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task the_demo_county_has_other_classes_and_conversions_both_ways_with_one_year_short()
    {
        var (before, last) = (_demo.LastYear - 1, _demo.LastYear);
        var sheet = await Get($"/api/v1/regions/{County}/balance-sheet?from={before}-01-01&to={last}-12-31");
        var landUse = LandUseTests.Account(sheet, "landUse");
        LandUseTests.Classes(landUse).Keys.ShouldBe(["00", "01", "02", "03", "04", "06", "07", "10", "11"], ignoreOrder: true);

        var years = LandUseTests.Account(sheet, "farmland").GetProperty("inOutBalance").GetProperty("years").EnumerateArray()
            .Select(y => (y.GetProperty("year").GetInt32(), y.GetProperty("out").GetDecimal(), y.GetProperty("in").GetDecimal(), y.GetProperty("deficit").GetDecimal()))
            .ToList();
        years.ShouldBe([(before, 2.0m, 2.5m, 0m), (last, 3.8m, 1.5m, 2.3m)]);

        var transitions = await Get($"/api/v1/regions/{County}/land-use/transitions?from={last}-01-01&to={last}-12-31");
        var cells = transitions.GetProperty("transitions").EnumerateArray()
            .ToDictionary(c => $"{c.GetProperty("fromClass").GetString()}>{c.GetProperty("toClass").GetString()}", c => c.GetProperty("areaHa").GetDecimal());
        cells["01>02"].ShouldBe(1.6m);
        cells["01>03"].ShouldBe(2.2m);
        cells["03>01"].ShouldBe(1.5m); // 0307K restored to dry farmland
        cells["03>06"].ShouldBe(3.2m);
        cells["00>11"].ShouldBe(1.1m); // wetland dug into a pond without approval
    }

    [Fact]
    public void the_demos_batches_never_split_a_restoration_pair_whatever_their_size()
    {
        var events = _demo.Events().Where(e => e["regionCode"]!.GetValue<string>() == County).TakeLast(40).ToList();
        events.Count(e => e["data"]!["restoredFromEventId"] is not null).ShouldBe(2);
        for (var size = 2; size <= events.Count; size++)
        {
            var batches = DemoLedger.Batches(events, size).ToList();
            batches.SelectMany(b => b).Count().ShouldBe(events.Count);
            batches.ShouldAllBe(b => b.Length >= 1 && b.Length <= size);
            foreach (var batch in batches)
            foreach (var restored in batch.Where(e => e["data"]!["restoredFromEventId"] is not null))
                batch.ShouldContain(e => e["eventId"]!.GetValue<string>() == restored["data"]!["restoredFromEventId"]!.GetValue<string>(), $"size {size}");
        }
    }

    private async Task<JsonElement> Get(string url)
    {
        var response = await app.SendAsync(HttpMethod.Get, url, _auditor);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
