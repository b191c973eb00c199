using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Tests.Support;
using Shouldly;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Ingest;

/// <summary>
/// Issue 14, item 3: <c>POST /api/v1/events/bulk</c> takes any number of events as NDJSON and
/// appends them in atomic chunks of 1,000 under the same rules and idempotency as a batch.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class BulkIngestTests(LedgerApp app) : IAsyncLifetime
{
    private string _writer = "";

    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        _writer = await app.KeyAsync("writer", "410000");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static JsonObject[] Parcels(int count) =>
        [.. RegionTree(), .. Enumerable.Range(1, count).Select(i => Parcel($"410102-{i:000000}", area: 1.5m))];

    [Fact]
    public async Task a_body_of_2503_events_is_appended_in_three_chunks_and_sending_it_again_appends_nothing()
    {
        var events = Parcels(2500);
        var (status, lines) = await PostAsync(Ndjson(events));
        status.ShouldBe(HttpStatusCode.OK);
        lines.Count.ShouldBe(4, string.Join("\n", lines));
        lines[0].GetProperty("fromLine").GetInt32().ShouldBe(1);
        lines[0].GetProperty("toLine").GetInt32().ShouldBe(1000);
        lines[2].GetProperty("toLine").GetInt32().ShouldBe(2503);
        var done = lines[^1];
        done.GetProperty("done").GetBoolean().ShouldBeTrue();
        done.GetProperty("events").GetInt32().ShouldBe(2503);
        done.GetProperty("appended").GetInt32().ShouldBe(2503);
        (await app.EventCountAsync()).ShouldBe(2503);

        // The province re-sends the whole file: every event is a duplicate, nothing is stored twice.
        (status, lines) = await PostAsync(Ndjson(events));
        status.ShouldBe(HttpStatusCode.OK);
        lines[^1].GetProperty("appended").GetInt32().ShouldBe(0);
        lines[^1].GetProperty("duplicates").GetInt32().ShouldBe(2503);
        (await app.EventCountAsync()).ShouldBe(2503);

        // The balance sheet sees every parcel: 2,500 × 1.5 ha.
        var sheet = await app.SendAsync(HttpMethod.Get, "/api/v1/regions/410102/balance-sheet?from=2021-01-01&to=2021-12-31", await app.KeyAsync("auditor"));
        (await sheet.Content.ReadAsStringAsync()).ShouldContain("3750");
    }

    [Fact]
    public async Task blank_lines_and_crlf_endings_are_accepted_and_lines_keep_their_numbers()
    {
        var body = string.Join("\r\n", RegionTree().Select(e => e.ToJsonString())) + "\r\n\r\n" + Parcel().ToJsonString();
        var (status, lines) = await PostAsync(body);
        status.ShouldBe(HttpStatusCode.OK);
        lines[0].GetProperty("toLine").GetInt32().ShouldBe(5);
        lines[^1].GetProperty("events").GetInt32().ShouldBe(4);
    }

    [Fact]
    public async Task a_malformed_first_chunk_is_a_400_naming_each_line_and_stores_nothing()
    {
        var body = Ndjson(RegionTree()) + "{\"eventId\": \n" + Parcel().With("data.areaHa", -1).ToJsonString() + "\n";
        var (status, problem) = await PostForProblemAsync(body);
        status.ShouldBe(HttpStatusCode.BadRequest);
        var fields = problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ToList();
        fields.ShouldContain("lines[4]");
        (await app.EventCountAsync()).ShouldBe(0);

        (status, problem) = await PostForProblemAsync(Ndjson(RegionTree()) + Parcel().With("data.areaHa", -1).ToJsonString());
        status.ShouldBe(HttpStatusCode.BadRequest);
        problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ShouldContain("lines[4].data.areaHa");
        (await app.EventCountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task a_rule_broken_in_the_second_chunk_stops_the_stream_there_and_keeps_the_first_chunk()
    {
        var events = Parcels(1500);
        // Line 1200 occupies more than its parcel holds: the second chunk (lines 1001–1503) is refused whole.
        events[1199] = Occupied("410102-000005", area: 1000m);
        var (status, lines) = await PostAsync(Ndjson(events));
        status.ShouldBe(HttpStatusCode.OK);
        lines.Count.ShouldBe(2, string.Join("\n", lines));
        var end = lines[^1];
        end.GetProperty("done").GetBoolean().ShouldBeFalse();
        end.GetProperty("lines").GetInt32().ShouldBe(1000);
        end.GetProperty("appended").GetInt32().ShouldBe(1000);
        var problem = end.GetProperty("problem");
        problem.GetProperty("status").GetInt32().ShouldBe(422);
        problem.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()).ShouldContain(f => f!.StartsWith("lines[1200]"));
        (await app.EventCountAsync()).ShouldBe(1000);
    }

    [Fact]
    public async Task an_event_outside_the_writers_scope_is_a_403_naming_its_line()
    {
        var (status, problem) = await PostForProblemAsync(Ndjson([.. RegionTree(), Parcel("420102-000001").With("regionCode", "420102")]));
        status.ShouldBe(HttpStatusCode.Forbidden);
        problem.GetProperty("errors")[0].GetProperty("field").GetString().ShouldBe("lines[4].regionCode");
        (await app.EventCountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task the_wrong_media_type_an_empty_body_and_a_reader_key_are_refused()
    {
        using (var json = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events/bulk") { Content = new StringContent(Ndjson(RegionTree()), Encoding.UTF8, "application/json") })
        {
            json.Headers.Add("X-Api-Key", _writer);
            (await app.Http.SendAsync(json)).StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        }
        (await PostForProblemAsync("\n\n")).Status.ShouldBe(HttpStatusCode.BadRequest);
        (await PostForProblemAsync(Ndjson(RegionTree()), await app.KeyAsync("auditor"))).Status.ShouldBe(HttpStatusCode.Forbidden);
        (await app.EventCountAsync()).ShouldBe(0);
    }

    private static string Ndjson(IEnumerable<JsonObject> events) => string.Concat(events.Select(e => e.ToJsonString() + "\n"));

    private async Task<HttpResponseMessage> SendAsync(string body, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events/bulk") { Content = new StringContent(body, Encoding.UTF8, "application/x-ndjson") };
        request.Headers.Add("X-Api-Key", key ?? _writer);
        return await app.Http.SendAsync(request);
    }

    private async Task<(HttpStatusCode Status, List<JsonElement> Lines)> PostAsync(string body)
    {
        using var response = await SendAsync(body, null);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/x-ndjson");
        return (response.StatusCode, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList());
    }

    private async Task<(HttpStatusCode Status, JsonElement Problem)> PostForProblemAsync(string body, string? key = null)
    {
        using var response = await SendAsync(body, key);
        var text = await response.Content.ReadAsStringAsync();
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json", text);
        return (response.StatusCode, JsonDocument.Parse(text).RootElement);
    }
}
