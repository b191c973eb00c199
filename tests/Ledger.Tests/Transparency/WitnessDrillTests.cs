using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Chain;
using Ledger.Tests.Reliability;
using Ledger.Tests.Support;
using Ledger.Transparency;
using Npgsql;
using Shouldly;
using Checkpoint = Ledger.Transparency.Checkpoint;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Transparency;

/// <summary>
/// The ledger and the witnesses outsiders run (<c>ledger-verify witness</c>), each its own
/// process: a quorum of two holds the served checkpoint back while one witness is down and lets it
/// move once the witness is back (after a 409 resync); and the fork drill — an operator with the
/// database and the log key restores an older backup and appends another history — ends with the
/// witness refusing, readiness 503 naming it, and both checkpoints in the witness's log.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class WitnessDrillTests(LedgerApp app) : IAsyncLifetime
{
    private static readonly byte[] LogSeed = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private readonly string _folder = Directory.CreateTempSubdirectory("ledger-witness-drill-").FullName;
    private readonly List<IAsyncDisposable> _running = [];
    private readonly string _database = $"witness_{Guid.NewGuid():N}"[..20];
    private string _connection = "";
    private string _logKey = "";

    public async Task InitializeAsync()
    {
        await app.ExecuteSqlAsync($"create database {_database}");
        _connection = new NpgsqlConnectionStringBuilder(app.ConnectionString) { Database = _database }.ConnectionString;
        using var keys = new LogKeys(LogSeed, LogKeys.DefaultOrigin);
        _logKey = keys.SignerFor("catalogue").VerifierKey.ToString();
    }

    public async Task DisposeAsync()
    {
        foreach (var r in Enumerable.Reverse(_running)) await r.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await app.ExecuteSqlAsync($"drop database if exists {_database} with (force)");
        await app.ExecuteSqlAsync($"drop database if exists {_database}_backup with (force)");
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task a_quorum_of_two_waits_for_a_stopped_witness_and_moves_again_once_it_is_back()
    {
        var (a, b) = (await WitnessAsync("a.example/witness"), await WitnessAsync("b.example/witness"));
        var policy = PolicyFile($"witness a {a.VerifierKey} {a.Url}\nwitness b {b.VerifierKey} {b.Url}\ngroup both all a b\nquorum both\n");
        var (api, http) = await ServiceAsync(policy);
        var writer = await api.IssueKeyAsync("writer", "writer");
        await PostAsync(http, writer, CountyWithOneOfEach());
        var first = await ServedReachesNewestAsync(api, http, writer, "a", "b");
        WitnessPolicy.Parse(await File.ReadAllTextAsync(policy)).CosignedBy(SignedNote.Parse(first.Note)).ShouldBe(["a", "b"], ignoreOrder: true);

        await b.StopAsync();
        await PostAsync(http, writer, Parcel("410102-0001", 2m));
        await api.WaitForOutputAsync("Witness b did not cosign", TimeSpan.FromSeconds(60));
        // Ingest went on; readers are still given what both witnesses cosigned.
        (await NewestSizeAsync(http, writer)).ShouldBeGreaterThan(first.Size);
        (await ServedAsync(http, writer)).Size.ShouldBe(first.Size);

        await b.StartAsync();
        var caughtUp = await ServedReachesNewestAsync(api, http, writer, "a", "b");
        caughtUp.Size.ShouldBeGreaterThan(first.Size);
        // The answer lost while b was down left its size unknown here: b's 409 said where it was.
        api.Written("Witness b has cosigned").ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task a_witness_that_saw_the_old_history_refuses_a_restored_backup_with_another_one()
    {
        var w = await WitnessAsync("audit-office.example/witness");
        var policy = PolicyFile($"witness office {w.VerifierKey} {w.Url}\nquorum office\n");
        var (api, http) = await ServiceAsync(policy);
        var writer = await api.IssueKeyAsync("writer", "writer");
        await PostAsync(http, writer, CountyWithOneOfEach());
        var backedUp = await ServedReachesNewestAsync(api, http, writer, "office");

        // The backup: a copy of the database as it stood (the witness had cosigned it).
        await api.TerminateAsync();
        NpgsqlConnection.ClearAllPools();
        await app.ExecuteSqlAsync($"create database {_database}_backup template {_database}");
        (api, http) = await ServiceAsync(policy);
        await PostAsync(http, writer, Enumerable.Range(1, 5).Select(i => Parcel($"410102-A{i:D3}", 3m)).ToArray());
        var seen = await ServedReachesNewestAsync(api, http, writer, "office");
        seen.Size.ShouldBeGreaterThan(backedUp.Size);

        // The operator restores the older backup (no trusted-checkpoint file), appends another history and the log signs it.
        await api.TerminateAsync();
        NpgsqlConnection.ClearAllPools();
        await app.ExecuteSqlAsync($"drop database {_database} with (force)");
        await app.ExecuteSqlAsync($"alter database {_database}_backup rename to {_database}");
        (api, http) = await ServiceAsync(policy);
        await PostAsync(http, writer, Enumerable.Range(1, 12).Select(i => Parcel($"410102-B{i:D3}", 4m)).ToArray());
        (await NewestSizeAsync(http, writer)).ShouldBeGreaterThan(seen.Size);

        await api.WaitForOutputAsync("FORK: witness office refuses log catalogue", TimeSpan.FromSeconds(60));
        var ready = await http.GetAsync("/health/ready");
        ready.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await ready.Content.ReadAsStringAsync()).ShouldContain("witness office refuses the log of database catalogue");
        // Readers are not given the new history as witnessed: the newest checkpoint meeting the policy is the backup's.
        (await ServedAsync(http, writer)).Size.ShouldBe(backedUp.Size);
        // The witness's own record holds both checkpoints: the one it cosigned and the one refused.
        var evidence = w.Errors;
        evidence.ShouldContain(Checkpoint.Parse(SignedNote.Parse(seen.Note).Text).Root.ToBase64());
        evidence.ShouldContain((await NewestSizeAsync(http, writer)).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private async Task<WitnessProcess> WitnessAsync(string name)
    {
        var w = new WitnessProcess(name, _folder, _logKey);
        _running.Add(w);
        await w.StartAsync();
        return w;
    }

    private string PolicyFile(string witnesses)
    {
        var path = Path.Combine(_folder, "policy");
        File.WriteAllText(path, $"log {_logKey}\n{witnesses}");
        return path;
    }

    private async Task<(ApiProcess, HttpClient)> ServiceAsync(string policy)
    {
        var api = new ApiProcess(_connection, LedgerApp.AdminKey, Path.Combine(_folder, "checkpoint-key.pem"), new Dictionary<string, string>
        {
            ["LEDGER_LOG"] = "1",
            ["LEDGER_LOG_KEY"] = Convert.ToBase64String(LogSeed),
            ["LEDGER_WITNESS_POLICY_FILE"] = policy,
            ["LEDGER_WITNESS_SECONDS"] = "1",
            ["Logging__LogLevel__Ledger.Chain.Witnessing"] = "Debug",
        });
        _running.Add(api);
        await api.StartAsync();
        return (api, new HttpClient { BaseAddress = api.BaseAddress, Timeout = TimeSpan.FromSeconds(30) });
    }

    private static async Task PostAsync(HttpClient http, string key, params JsonObject[] events)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events")
        {
            Content = JsonContent.Create(new JsonObject { ["events"] = new JsonArray(events.Select(e => (JsonNode)e.DeepClone()).ToArray()) }),
        };
        request.Headers.Add("X-Api-Key", key);
        using var response = await http.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private static async Task<long> NewestSizeAsync(HttpClient http, string key)
    {
        var logs = await GetAsync(http, key, "/api/v1/ledger/logs");
        return JsonDocument.Parse(logs).RootElement.GetProperty("logs")[0].GetProperty("size").GetInt64();
    }

    private static async Task<SignedCheckpoint> ServedAsync(HttpClient http, string key)
    {
        var note = await GetAsync(http, key, "/api/v1/ledger/logs/catalogue/checkpoint");
        var checkpoint = Checkpoint.Parse(SignedNote.Parse(note).Text);
        return new SignedCheckpoint(checkpoint.Size, checkpoint.Root, note);
    }

    /// <summary>
    /// Waits until the witnesses named have cosigned the log's newest checkpoint (the service says so,
    /// one line each), then returns the served checkpoint, which must be that one.
    /// </summary>
    private static async Task<SignedCheckpoint> ServedReachesNewestAsync(ApiProcess api, HttpClient http, string key, params string[] witnesses)
    {
        var newest = await NewestSizeAsync(http, key);
        foreach (var w in witnesses)
            await api.WaitForOutputAsync($"Witness {w} cosigned the checkpoint of {newest} of log catalogue", TimeSpan.FromSeconds(60));
        var served = await ServedAsync(http, key);
        served.Size.ShouldBe(newest);
        return served;
    }

    private static async Task<string> GetAsync(HttpClient http, string key, string url)
    {
        using var response = await SendAsync(http, key, url);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        return body;
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient http, string key, string url)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("X-Api-Key", key);
        return http.SendAsync(request);
    }
}
