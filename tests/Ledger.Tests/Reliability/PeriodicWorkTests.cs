using System.Net;
using System.Text.Json.Nodes;
using Ledger.Storage;
using Ledger.Tests.Support;
using Npgsql;
using Shouldly;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Reliability;

/// <summary>
/// Issue 12, several nodes: periodic work (checkpoint signing, the derived-table check) runs on one
/// node of the cluster at a time, through Wolverine's agents, and moves to a survivor when the node
/// running it is killed.
/// </summary>
// In the browser tests' collection: service processes beside Chromium on two cores made page loads time out.
[Collection(Ledger.Tests.Workbench.DemoServiceCollection.Name)]
public sealed class PeriodicWorkTests
{
    private const string AdminKey = "periodic-admin";
    private const string Checkpoints = "checkpoint signing";
    private const string DerivedCheck = "derived-table check";

    // Rounds 3 s apart, and the agents' start and stop written to the output, so the test can tell who runs what.
    private static readonly Dictionary<string, string> Fast = new()
    {
        ["LEDGER_CHECKPOINT_MINUTES"] = "0.05",
        ["LEDGER_DERIVED_CHECK_MINUTES"] = "0.05",
        ["Logging__LogLevel__Ledger.Api.Hosting.PeriodicAgent"] = "Information",
        ["Logging__LogLevel__Ledger.Api.Hosting.DerivedCheckService"] = "Information",
        ["Logging__LogLevel__Ledger.Api.Investigations.CheckpointService"] = "Information",
    };
    private const string Round = "Derived-table check done";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task each_job_runs_on_one_node_and_moves_to_the_survivor_when_that_node_is_killed()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"ledger-periodic-{Guid.NewGuid():N}");
        var pg = await EmbeddedPostgres.StartAsync(dir, durable: false);
        var nodes = new[] { new ApiProcess(pg.ConnectionString(), AdminKey, ServiceFolder.KeyFile(dir), Fast), new ApiProcess(pg.ConnectionString(), AdminKey, ServiceFolder.KeyFile(dir), Fast) };
        try
        {
            foreach (var n in nodes) await n.StartAsync();
            var writer = await nodes[0].IssueKeyAsync("writer", "writer", "410000");
            await PostAsync(nodes[0], writer, RegionTree());

            // Once the leader has placed them (it may move one when the second node joins), each job runs on one node.
            var checkpointer = await SettledOwnerAsync(nodes, Checkpoints);
            var checker = await SettledOwnerAsync(nodes, DerivedCheck);
            await checkpointer.WaitForOutputAsync("Signed checkpoint at chain position", Patience);

            // Over three more rounds of the check, only that node runs it: the other writes no round at all.
            var others = nodes.Where(n => n != checker).Select(n => n.Written(Round)).ToList();
            await checker.WaitForOutputAsync(Round, checker.Written(Round) + 3, Patience);
            nodes.Where(n => n != checker).Select(n => n.Written(Round)).ShouldBe(others, "a second node ran the derived-table check");
            (await NodeOfLastCheckAsync(pg)).ShouldEndWith($":{checker.ProcessId}");

            // Kill the node signing checkpoints; the survivor takes the job over and signs the new head.
            await checkpointer.KillAsync();
            var survivor = nodes.Single(n => n != checkpointer);
            (await SettledOwnerAsync([survivor], Checkpoints)).ShouldBe(survivor);
            await PostAsync(survivor, writer, [Parcel("410102-000001")]);
            var head = await HeadAsync(pg);
            await survivor.WaitForOutputAsync($"Signed checkpoint at chain position {head}", Patience);

            // The derived-table check runs on the survivor too (it ran there already, or it moved there): a new round there.
            (await SettledOwnerAsync([survivor], DerivedCheck)).ShouldBe(survivor);
            await survivor.WaitForOutputAsync(Round, survivor.Written(Round) + 1, Patience);
            (await NodeOfLastCheckAsync(pg)).ShouldEndWith($":{survivor.ProcessId}");
        }
        finally
        {
            foreach (var n in nodes) await n.DisposeAsync();
            await pg.StopAsync();
            ServiceFolder.Remove(dir);
        }
    }

    /// <summary>
    /// The node running <paramref name="job"/> by its own output (started more often than stopped),
    /// once exactly one node does and that has held for 5 s.
    /// </summary>
    private static async Task<ApiProcess> SettledOwnerAsync(ApiProcess[] nodes, string job)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        (ApiProcess Node, DateTime Since)? held = null;
        while (DateTime.UtcNow < deadline)
        {
            var owners = nodes.Where(n => n.Written($"now runs {job}") > n.Written($"no longer runs {job}")).ToList();
            if (owners.Count == 1 && held?.Node == owners[0])
            {
                if (DateTime.UtcNow - held.Value.Since > TimeSpan.FromSeconds(5)) return owners[0];
            }
            else held = owners.Count == 1 ? (owners[0], DateTime.UtcNow) : null;
            await Task.Delay(250);
        }
        throw new TimeoutException($"{job} did not settle on one node within 90 s");
    }

    private static async Task PostAsync(ApiProcess node, string key, JsonObject[] events)
    {
        using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events")
        {
            Content = new StringContent(new JsonObject { ["events"] = new JsonArray(events.Select(e => (JsonNode)e).ToArray()) }.ToJsonString(),
                System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Api-Key", key);
        using var response = await http.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private static async Task<string> NodeOfLastCheckAsync(EmbeddedPostgres pg)
    {
        await using var conn = new NpgsqlConnection(pg.ConnectionString());
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("select node from ledger.derived_check_result", conn);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task<long> HeadAsync(EmbeddedPostgres pg)
    {
        await using var conn = new NpgsqlConnection(pg.ConnectionString());
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("select max(position) from ledger.chain", conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
