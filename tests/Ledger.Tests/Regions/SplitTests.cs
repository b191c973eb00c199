using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Tests.Support;
using Shouldly;
using static Ledger.Tests.Regions.Lineages;
using static Ledger.Tests.Regions.SheetReading;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Regions;

/// <summary>
/// 中牟县 (410122) splits on 2023-01-01: 410186 takes parcel 000002 (listed), 410185 takes the rest.
/// Each successor's sheet carries the history of its own streams only.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class SplitTests(LedgerApp app) : IAsyncLifetime
{
    private string _writer = "";
    private string _auditor = "";

    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        _writer = await app.KeyAsync("writer");
        _auditor = await app.KeyAsync("auditor");
        await Ok([.. Lineages.Regions(), .. Parcels(), Region("410186", "county", "410100", "新区").With("effectiveDate", "2023-01-01"),
            Occupy($"{OldCounty}-000001", OldCounty, 1m, "2022-03-01"), Occupy($"{OldCounty}-000002", OldCounty, 2m, "2022-04-01")]);
        await Ok(Succeeded(District, "split", "2023-01-01", OldCounty),
            Succeeded("410186", "split", "2023-01-01", OldCounty).With("data.streams", new JsonArray($"farmland/{OldCounty}-000002")));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task each_successor_takes_the_history_of_its_own_streams()
    {
        var listed = FarmlandOf(await Sheet("410186", "2022-01-01", "2023-12-31"));
        (listed.Opening, listed.Closing).ShouldBe((5m, 3m));
        listed.Reductions.ShouldBe(new Dictionary<string, decimal> { ["occupation-construction-legal"] = 2m });
        var rest = FarmlandOf(await Sheet(District, "2022-01-01", "2023-12-31"));
        (rest.Opening, rest.Closing).ShouldBe((10m, 9m));
        rest.Reductions.ShouldBe(new Dictionary<string, decimal> { ["occupation-construction-legal"] = 1m });
        FarmlandOf(await Sheet(OldCounty, "2022-01-01", "2023-12-31")).Reductions["region-transfer"].ShouldBe(12m);
        var prefecture = FarmlandOf(await Sheet("410100", "2022-01-01", "2023-12-31"));
        (prefecture.Opening, prefecture.Closing).ShouldBe((15m, 12m));
        prefecture.Reductions.Keys.ShouldBe(["occupation-construction-legal"]);
    }

    [Fact]
    public async Task a_split_stream_goes_on_under_the_successor_that_took_it_and_late_records_follow_it()
    {
        (await app.PostEventsAsync(_writer, Occupy($"{OldCounty}-000002", District, 1m, "2023-06-01"))).StatusCode.ShouldBe((HttpStatusCode)422);
        await Ok(Occupy($"{OldCounty}-000002", "410186", 1m, "2023-06-01"));
        await Ok(Occupy($"{OldCounty}-000002", OldCounty, 0.5m, "2022-12-01"));
        var listed = FarmlandOf(await Sheet("410186", "2022-01-01", "2023-12-31"));
        (listed.Opening, listed.Closing).ShouldBe((5m, 1.5m));
        FarmlandOf(await Sheet(District, "2022-01-01", "2023-12-31")).Closing.ShouldBe(9m);
        FarmlandOf(await Sheet("410100", "2022-01-01", "2023-12-31")).Closing.ShouldBe(10.5m);
    }

    private async Task Ok(params JsonObject[] events)
    {
        var response = await app.PostEventsAsync(_writer, events);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private async Task<JsonElement> Sheet(string region, string from, string to)
    {
        var response = await app.SendAsync(HttpMethod.Get, $"/api/v1/regions/{region}/balance-sheet?from={from}&to={to}", _auditor);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
