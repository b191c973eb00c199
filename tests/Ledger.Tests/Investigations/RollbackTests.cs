using System.Net;
using Ledger.Api.Investigations;
using Ledger.Chain;
using Ledger.Tests.Support;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Investigations;

/// <summary>
/// A database restored to an older backup still verifies on its own; only a checkpoint signed
/// later and kept outside the database shows the loss. Here the "restore" removes the newest
/// events and links as the owner would find them after one (the real restore is the backup drill).
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class RollbackTests(LedgerApp app) : IAsyncLifetime
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"trusted-{Guid.NewGuid():N}.json");
    private WebApplicationFactory<Program> _host = null!;
    private HttpClient _client = null!;
    private string _writer = "";

    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        Environment.SetEnvironmentVariable("LEDGER_TRUSTED_CHECKPOINT_FILE", _file);
        _host = app.NewFactory();
        _client = _host.CreateClient(); // the host reads its settings here
        Environment.SetEnvironmentVariable("LEDGER_TRUSTED_CHECKPOINT_FILE", null);
        _writer = await app.KeyAsync("writer", "410000");
        (await PostAsync([.. RegionTree(), Parcel()])).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await PostAsync([Occupied(area: 1m), Occupied(area: 1m)])).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await SendAsync(HttpMethod.Post, "/api/v1/ledger/checkpoints", LedgerApp.AdminKey)).StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
        File.Delete(_file);
    }

    private RollbackGuard Guard => _host.Services.GetRequiredService<RollbackGuard>();

    [Fact]
    public async Task signing_a_checkpoint_moves_the_trusted_file_forward_and_the_chain_is_consistent_with_it()
    {
        var held = new TrustedCheckpointFile(_file).Read();
        held.ShouldNotBeNull();
        held.Position.ShouldBe(6);
        (await Guard.CheckNowAsync(CancellationToken.None)).State.ShouldBe(RollbackState.Consistent);
        (await PostAsync([Occupied(area: 1m)])).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task a_database_behind_the_trusted_checkpoint_refuses_new_events_and_says_why()
    {
        await RestoreOlderStateAsync(keepPositions: 4);

        var finding = await Guard.CheckNowAsync(CancellationToken.None);
        finding.State.ShouldBe(RollbackState.Behind);
        finding.Explanation.ShouldContain("ends at position 4");
        finding.Explanation.ShouldContain("2 acknowledged events are missing");

        var refused = await PostAsync([Occupied(area: 1m)]);
        refused.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("restored to an older backup");
        (await SendAsync(HttpMethod.Post, "/api/v1/ledger/checkpoints", LedgerApp.AdminKey)).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var ready = await _client.GetAsync("/health/ready");
        ready.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await ready.Content.ReadAsStringAsync()).ShouldContain("rollback detected (Behind)");
        new TrustedCheckpointFile(_file).Read()!.Position.ShouldBe(6, "a rolled-back head never overwrites the trusted file");
    }

    [Fact]
    public async Task a_fresh_start_on_a_rolled_back_database_refuses_writes_from_the_first_request()
    {
        await RestoreOlderStateAsync(keepPositions: 5);
        Environment.SetEnvironmentVariable("LEDGER_TRUSTED_CHECKPOINT_FILE", _file);
        await using var restarted = app.NewFactory();
        using var client = restarted.CreateClient();
        Environment.SetEnvironmentVariable("LEDGER_TRUSTED_CHECKPOINT_FILE", null);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events");
        request.Content = new StringContent($"{{\"events\":[{Occupied(area: 1m).ToJsonString()}]}}", System.Text.Encoding.UTF8, "application/json");
        request.Headers.Add("X-Api-Key", _writer);
        (await client.SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        restarted.Services.GetRequiredService<RollbackGuard>().Current.State.ShouldBe(RollbackState.Behind);
    }

    [Fact]
    public async Task a_different_history_at_the_checkpoint_is_a_fork()
    {
        await app.ExecuteSqlAsync("update ledger.chain set hash = sha256(hash) where position = 6");
        var finding = await Guard.CheckNowAsync(CancellationToken.None);
        finding.State.ShouldBe(RollbackState.Forked);
        finding.Explanation.ShouldContain("different history");
        (await PostAsync([Occupied(area: 1m)])).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public async Task a_checkpoint_file_signed_by_another_key_is_not_trusted()
    {
        var stranger = CheckpointSigner.Generate();
        new TrustedCheckpointFile(_file + ".other").MoveForward(stranger.Sign(6, new byte[32], app.Clock.GetCurrentInstant()), stranger.PublicKeyPem());
        File.Move(_file + ".other", _file, overwrite: true);
        var finding = await Guard.CheckNowAsync(CancellationToken.None);
        finding.State.ShouldBe(RollbackState.Untrusted);
        finding.Explanation.ShouldContain("not signed by this ledger's checkpoint key");
    }

    /// <summary>What the database holds after a restore to a backup taken when the chain had <paramref name="keepPositions"/> links.</summary>
    private Task RestoreOlderStateAsync(int keepPositions) => app.ExecuteSqlAsync($"""
        create temp table lost as select seq from ledger.chain where position > {keepPositions};
        delete from ledger.flows where seq in (select seq from lost);
        delete from ledger.event_index where seq in (select seq from lost);
        delete from ledger.mt_events where seq_id in (select seq from lost);
        delete from ledger.chain where position > {keepPositions};
        delete from ledger.checkpoints where position > {keepPositions};
        """);

    private Task<HttpResponseMessage> PostAsync(System.Text.Json.Nodes.JsonObject[] events) =>
        SendAsync(HttpMethod.Post, "/api/v1/events", _writer,
            new System.Text.Json.Nodes.JsonObject { ["events"] = new System.Text.Json.Nodes.JsonArray(events.Select(e => (System.Text.Json.Nodes.JsonNode)e.DeepClone()).ToArray()) }.ToJsonString());

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string key, string? body = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null) request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        request.Headers.Add("X-Api-Key", key);
        return await _client.SendAsync(request);
    }
}
