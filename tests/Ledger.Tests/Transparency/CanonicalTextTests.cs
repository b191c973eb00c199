using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Ledger.Tests.Support;
using Ledger.Transparency;
using Shouldly;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Transparency;

/// <summary>
/// Contract 1.6: <c>GET /api/v1/ledger/events/{sequence}/canonical</c> answers the exact bytes the
/// chain hashes, so an entry of the log (a receipt's, a bundle's) can be made again from the answer;
/// scope is decided before anything about the event is said.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class CanonicalTextTests(LedgerApp app) : IAsyncLifetime
{
    private string _auditor = "";
    private JsonElement _posted;

    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        _auditor = await app.KeyAsync("auditor");
        var writer = await app.KeyAsync("writer");
        (await app.PostEventsAsync(writer, RegionTree())).StatusCode.ShouldBe(HttpStatusCode.OK);
        // Chinese text, a decimal and a document reference: what the text must carry byte for byte.
        var occupied = Make("farmland.occupied", "410102-000001", County, new System.Text.Json.Nodes.JsonObject
        {
            ["areaHa"] = 2.50m, ["purpose"] = "construction", ["legal"] = true, ["approvalRef"] = "豫政土〔2024〕12号",
        }).With("source", new System.Text.Json.Nodes.JsonObject { ["documentRef"] = "文件-7", ["note"] = "“引号” & <尖括号>" });
        var response = await app.PostEventsAsync(writer, Parcel(), occupied);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        _posted = await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task the_answer_remakes_each_events_receipt_entry_and_its_log_entry()
    {
        var investigator = await app.KeyAsync("investigator");
        var receipt = _posted.GetProperty("receipt").GetProperty("entries").EnumerateArray().ToList();
        var results = _posted.GetProperty("results").EnumerateArray().ToList();
        results.Count.ShouldBe(2);
        for (var i = 0; i < results.Count; i++)
        {
            var sequence = results[i].GetProperty("sequence").GetInt64();
            var eventId = Guid.Parse(results[i].GetProperty("eventId").GetString()!);
            foreach (var key in new[] { _auditor, investigator })
            {
                var response = await app.SendAsync(HttpMethod.Get, $"/api/v1/ledger/events/{sequence}/canonical", key);
                response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
                response.Content.Headers.ContentType!.ToString().ShouldBe("text/plain; charset=utf-8");
                var text = await response.Content.ReadAsByteArrayAsync();
                Encoding.UTF8.GetString(text).ShouldStartWith($"{sequence}|{eventId:D}|");

                var position = long.Parse(Header(response, "X-Chain-Position"));
                Header(response, "X-Event-Id").ShouldBe(eventId.ToString("D"));
                Header(response, "X-Database").ShouldBe("catalogue");
                Header(response, "X-Log-Index").ShouldBe((position - 1).ToString());
                Header(response, "X-Canonical-Sha256").ShouldBe(Hash.Sha256(text).ToBase64());

                var entry = LedgerEntry.For(position, eventId, text).ToBytes();
                Encoding.ASCII.GetString(entry).ShouldBe(receipt[i].GetProperty("entry").GetString());
                receipt[i].GetProperty("index").GetInt64().ShouldBe(position - 1);
                var proof = TlogProof.Parse(await (await app.SendAsync(HttpMethod.Get, $"/api/v1/ledger/logs/catalogue/proof/inclusion?index={position - 1}", key))
                    .Content.ReadAsStringAsync());
                proof.Extra.ShouldBe(entry);
            }
        }
        // The same as the chain hashes: PostgreSQL's rendering, not the text as posted.
        Encoding.UTF8.GetString(await (await app.SendAsync(HttpMethod.Get, $"/api/v1/ledger/events/{results[1].GetProperty("sequence").GetInt64()}/canonical?database=catalogue", _auditor))
            .Content.ReadAsByteArrayAsync()).ShouldContain("\"approvalRef\": \"豫政土〔2024〕12号\"");
    }

    [Theory]
    [InlineData("abc/canonical", 400)]
    [InlineData("0/canonical", 400)]
    [InlineData("-1/canonical", 400)]
    [InlineData("+5/canonical", 400)]
    [InlineData("99999999999999999999/canonical", 400)]
    [InlineData("999999/canonical", 404)]
    [InlineData("1/canonical?database=nowhere", 404)]
    public async Task malformed_sequences_and_unknown_events_or_databases_are_clear_problems(string path, int status)
    {
        var response = await app.SendAsync(HttpMethod.Get, $"/api/v1/ledger/events/{path}", _auditor);
        ((int)response.StatusCode).ShouldBe(status, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task a_key_outside_the_events_region_or_without_the_role_learns_nothing_of_it()
    {
        var sequence = _posted.GetProperty("results")[1].GetProperty("sequence").GetInt64();
        var eventId = _posted.GetProperty("results")[1].GetProperty("eventId").GetString()!;
        var neighbour = await app.KeyAsync("auditor", "410103");
        var refused = await app.SendAsync(HttpMethod.Get, $"/api/v1/ledger/events/{sequence}/canonical", neighbour);
        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var body = await refused.Content.ReadAsStringAsync();
        body.ShouldNotContain(eventId);
        body.ShouldNotContain(County);
        refused.Headers.Contains("X-Chain-Position").ShouldBeFalse();

        (await app.SendAsync(HttpMethod.Get, $"/api/v1/ledger/events/{sequence}/canonical", await app.KeyAsync("auditor", County))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await app.SendAsync(HttpMethod.Get, $"/api/v1/ledger/events/{sequence}/canonical", await app.KeyAsync("writer", County))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await app.SendAsync(HttpMethod.Get, $"/api/v1/ledger/events/{sequence}/canonical", null)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    private static string Header(HttpResponseMessage response, string name) => response.Headers.GetValues(name).Single();
}
