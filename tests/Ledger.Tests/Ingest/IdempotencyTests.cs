using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Ingest;

[Collection(LedgerCollection.Name)]
public sealed class IdempotencyTests(LedgerApp app) : IAsyncLifetime
{
    private string _writer = "";

    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        _writer = await app.KeyAsync("writer", "410000");
        (await app.PostEventsAsync(_writer, [.. RegionTree(), Parcel(area: 10m)])).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task a_same_content_retry_reports_duplicate_and_appends_nothing()
    {
        var occupied = Occupied(area: 2.5m);
        var first = await Results(await app.PostEventsAsync(_writer, occupied));
        var count = await app.EventCountAsync();

        // Same content, differently spelt: keys reordered, 2.5 as 2.50, expectedVersion added.
        var respelt = occupied.With("data.areaHa", 2.50m).With("expectedVersion", 1);
        var retry = await Results(await app.PostEventsAsync(_writer, respelt));

        retry[0].GetProperty("status").GetString().ShouldBe("duplicate");
        retry[0].GetProperty("version").GetInt64().ShouldBe(first[0].GetProperty("version").GetInt64());
        retry[0].GetProperty("sequence").GetInt64().ShouldBe(first[0].GetProperty("sequence").GetInt64());
        retry[0].GetProperty("recordedAt").GetString().ShouldBe(first[0].GetProperty("recordedAt").GetString());
        (await app.EventCountAsync()).ShouldBe(count);
    }

    [Fact]
    public async Task a_batch_mixing_retried_and_new_events_appends_only_the_new()
    {
        var a = Occupied(area: 1m);
        await app.PostEventsAsync(_writer, a);
        var b = Occupied(area: 2m);

        var results = await Results(await app.PostEventsAsync(_writer, a, b));

        results.Select(r => r.GetProperty("status").GetString()).ShouldBe(["duplicate", "appended"]);
        results[1].GetProperty("version").GetInt64().ShouldBe(3);
    }

    [Fact]
    public async Task reusing_an_event_id_for_different_content_is_a_409_and_changes_nothing()
    {
        var occupied = Occupied(area: 2.5m);
        await app.PostEventsAsync(_writer, occupied);
        var count = await app.EventCountAsync();

        var response = await app.PostEventsAsync(_writer, occupied.With("data.areaHa", 3m));

        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await response.Content.ReadAsStringAsync()).ShouldContain("events[0].eventId");
        (await app.EventCountAsync()).ShouldBe(count);
    }

    [Fact]
    public async Task duplicates_are_recognised_after_a_restart()
    {
        var occupied = Occupied(area: 2.5m);
        await app.PostEventsAsync(_writer, occupied);

        await using var restarted = app.NewFactory();
        using var client = restarted.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events")
        {
            Content = new StringContent(new System.Text.Json.Nodes.JsonObject { ["events"] = new System.Text.Json.Nodes.JsonArray(occupied.DeepClone()) }.ToJsonString()),
        };
        request.Headers.Add("X-Api-Key", _writer);
        var response = await client.SendAsync(request);

        (await Results(response))[0].GetProperty("status").GetString().ShouldBe("duplicate");
    }

    [Fact]
    public async Task concurrent_retries_of_the_same_batch_store_it_exactly_once()
    {
        var batch = Enumerable.Range(0, 20).Select(_ => Occupied(area: 0.1m)).ToArray();
        var count = await app.EventCountAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => app.PostEventsAsync(_writer, batch)));

        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.OK);
        var statuses = (await Task.WhenAll(responses.Select(Results))).SelectMany(r => r).Select(r => r.GetProperty("status").GetString()).ToList();
        statuses.Count(s => s == "appended").ShouldBe(20);
        (await app.EventCountAsync()).ShouldBe(count + 20);
    }

    [Fact]
    public async Task concurrent_writers_of_one_parcel_never_take_more_than_it_holds()
    {
        // 10 ha; 8 writers each try to take 2 ha: exactly 5 may succeed.
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => app.PostEventsAsync(_writer, Occupied(area: 2m))));

        responses.Count(r => r.StatusCode == HttpStatusCode.OK).ShouldBe(5);
        responses.Count(r => r.StatusCode == HttpStatusCode.UnprocessableEntity).ShouldBe(3);
        await using var session = app.Store.QuerySession();
        var parcel = await session.LoadAsync<Ledger.Farmland.ParcelState>("farmland:410102-000001");
        parcel!.AreaHa.ShouldBe(0m);
        parcel.Version.ShouldBe(6);
    }

    private static async Task<List<JsonElement>> Results(HttpResponseMessage response)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("results").EnumerateArray().ToList();
    }
}
