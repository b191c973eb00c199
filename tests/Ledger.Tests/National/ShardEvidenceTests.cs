using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Storage;
using Ledger.Tests.Reliability;
using Ledger.Tests.Support;
using Ledger.Tests.Transparency;
using Ledger.Transparency;
using Npgsql;
using Shouldly;
using static Ledger.Tests.Audits.AuditScenarios;

namespace Ledger.Tests.National;

/// <summary>
/// Contract 1.6 with shards: a tenure's report is proved against its own province's log (its
/// events and high-water mark are that database's), and a canonical text is read from the
/// database holding the key's province unless another is named.
/// </summary>
// In the browser tests' collection, as ShardTests: service processes and clusters beside Chromium on two cores.
[Collection(Workbench.DemoServiceCollection.Name)]
public sealed class ShardEvidenceTests
{
    [Fact]
    public async Task a_shards_report_is_proved_against_that_shards_log_and_canonical_texts_resolve_to_the_keys_province()
    {
        var root = Path.Combine(Path.GetTempPath(), $"ledger-shard-evidence-{Guid.NewGuid():N}");
        var pg = await EmbeddedPostgres.StartAsync(root, durable: false);
        ApiProcess? node = null;
        try
        {
            await using (var conn = new NpgsqlConnection(pg.ConnectionString()))
            {
                await conn.OpenAsync();
                await new NpgsqlCommand("create database shard_east", conn).ExecuteNonQueryAsync();
            }
            var file = root + "-shards.json";
            await File.WriteAllTextAsync(file, new JsonObject
            {
                ["shards"] = new JsonArray(new JsonObject { ["name"] = "east", ["connection"] = pg.ConnectionString("shard_east"), ["provinces"] = new JsonArray("41") }),
            }.ToJsonString());
            node = new ApiProcess(pg.ConnectionString(), "shard-evidence-admin", ServiceFolder.KeyFile(root),
                new Dictionary<string, string> { ["LEDGER_SHARDS_FILE"] = file, ["LEDGER_LOG"] = "1", ["LEDGER_LOG_KEY"] = LedgerApp.LogKeySeed });
            await node.StartAsync();
            using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
            var writer = await node.IssueKeyAsync("writer", "writer");
            var auditor = await node.IssueKeyAsync("auditor", "auditor");
            var provincial = await node.IssueKeyAsync("henan-auditor", "auditor", "410000");

            var events = Clean().OrderBy(e => e["effectiveDate"]!.GetValue<string>(), StringComparer.Ordinal).ToArray();
            (await SendAsync(http, HttpMethod.Post, "/api/v1/events", writer, new JsonObject { ["events"] = new JsonArray([.. events]) })).StatusCode.ShouldBe(HttpStatusCode.OK);
            var created = await SendAsync(http, HttpMethod.Post, "/api/v1/audits/departure", auditor, new JsonObject { ["tenureId"] = TenureId });
            created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
            var reportId = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("reportId").GetString();

            var logs = JsonDocument.Parse(await (await SendAsync(http, HttpMethod.Get, "/api/v1/ledger/logs", auditor)).Content.ReadAsStringAsync()).RootElement;
            var east = logs.GetProperty("logs").EnumerateArray().Single(l => l.GetProperty("database").GetString() == "east");
            var zip = await SendAsync(http, HttpMethod.Get, $"/api/v1/audits/{reportId}/evidence", provincial);
            zip.StatusCode.ShouldBe(HttpStatusCode.OK, await zip.Content.ReadAsStringAsync());
            var bundle = Bundles.Check(await zip.Content.ReadAsByteArrayAsync(), VerifierKey.Parse(east.GetProperty("verifierKey").GetString()!).ToVerifier());
            (bundle.Manifest.GetProperty("database").GetString(), bundle.Tree.Origin).ShouldBe(("east", "ledger.localhost/east"));
            Encoding.UTF8.GetString(bundle.Files["policy"]).ShouldBe(logs.GetProperty("policy").GetString());

            // The provincial key reads its province's database by default; the catalogue cannot hold its province.
            var (sequence, eventId, position) = bundle.Events[0];
            var canonical = await SendAsync(http, HttpMethod.Get, $"/api/v1/ledger/events/{sequence}/canonical", provincial);
            canonical.StatusCode.ShouldBe(HttpStatusCode.OK);
            (canonical.Headers.GetValues("X-Database").Single(), canonical.Headers.GetValues("X-Chain-Position").Single()).ShouldBe(("east", position.ToString()));
            (await canonical.Content.ReadAsByteArrayAsync()).ShouldBe(bundle.Files[$"events/{eventId}.txt"]);
            (await SendAsync(http, HttpMethod.Get, $"/api/v1/ledger/events/{sequence}/canonical?database=catalogue", provincial)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            // A national key names the database (the catalogue by default, which holds none of these events).
            (await SendAsync(http, HttpMethod.Get, $"/api/v1/ledger/events/{sequence}/canonical?database=east", auditor)).StatusCode.ShouldBe(HttpStatusCode.OK);
            (await SendAsync(http, HttpMethod.Get, $"/api/v1/ledger/events/{sequence}/canonical", auditor)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }
        finally
        {
            if (node is not null) await node.DisposeAsync();
            await pg.StopAsync();
            ServiceFolder.Remove(root);
            File.Delete(root + "-shards.json");
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string url, string key, JsonObject? body = null)
    {
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Add("X-Api-Key", key);
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        return await http.SendAsync(request);
    }
}
