using System.Net;
using System.Text.Json;
using Ledger.Api.Commands;
using Ledger.Tests.BalanceSheets;
using Ledger.Tests.Support;
using Microsoft.Extensions.Configuration;
using Shouldly;

namespace Ledger.Tests.Operations;

/// <summary>
/// Issue 12, item 6: the operator's commands through JasperFx's command framework, run in-process
/// against the test database exactly as <c>Ledger.Api.dll keys …</c> runs them.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class OperatorCommandTests(LedgerApp app) : IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task keys_issue_prints_a_key_that_the_service_accepts()
    {
        var (exit, output) = await RunAsync("keys", "issue", "--name", "henan-cli", "--role", "writer", "--scope", "410000");
        exit.ShouldBe(0, output);
        var key = output.Split('\n').Single(l => l.StartsWith("key:")).Substring("key:".Length).Trim();
        (await app.PostEventsAsync(key, SheetScenario.Events())).StatusCode.ShouldBe(HttpStatusCode.OK);

        // The name is taken now: refused, nothing issued.
        (exit, output) = await RunAsync("keys", "issue", "--name", "henan-cli", "--role", "writer", "--scope", "410000");
        exit.ShouldBe(1);
        output.ShouldContain("--name: a key named 'henan-cli'");
    }

    [Theory]
    [InlineData("--role|bogus", "--role")]
    [InlineData("--scope|41", "--scope")]
    public async Task keys_issue_names_the_bad_flag_and_issues_nothing(string bad, string flag)
    {
        var parts = bad.Split('|');
        var (exit, output) = await RunAsync("keys", "issue", "--name", "cli-bad", "--role", "writer", parts[0], parts[1]);
        exit.ShouldNotBe(0);
        output.ShouldContain(flag);
        (await app.ScalarAsync<long>("select count(*) from ledger.mt_doc_apikey where data::text like '%cli-bad%'")).ShouldBe(0);
    }

    [Fact]
    public async Task an_unknown_action_is_a_usage_error_and_touches_nothing()
    {
        var (exit, output) = await RunAsync("flows", "repair");
        exit.ShouldNotBe(0);
        output.ShouldNotContain("OK:");
    }

    [Fact]
    public async Task verify_and_flows_check_pass_on_an_intact_ledger_and_fail_naming_the_table_after_an_edit()
    {
        (await app.PostEventsAsync(await app.KeyAsync("writer"), SheetScenario.Events())).StatusCode.ShouldBe(HttpStatusCode.OK);
        var (exit, output) = await RunAsync("verify");
        exit.ShouldBe(0, output);
        output.ShouldContain("OK: ");
        (exit, output) = await RunAsync("flows", "check");
        exit.ShouldBe(0, output);

        await app.ExecuteSqlAsync("update ledger.flow_totals set amount_pos = amount_pos + 1000000000000 where account = 'farmland'");
        (exit, output) = await RunAsync("verify");
        exit.ShouldBe(1, output);
        output.ShouldContain("DIFFERS");
        output.ShouldContain("flow_totals");
    }

    [Fact]
    public async Task checkpoints_sign_then_export_writes_the_signed_head_with_the_public_key()
    {
        (await app.PostEventsAsync(await app.KeyAsync("writer"), SheetScenario.Events())).StatusCode.ShouldBe(HttpStatusCode.OK);
        var (exit, output) = await RunAsync("checkpoints", "sign");
        exit.ShouldBe(0, output);
        var file = Path.Combine(Path.GetTempPath(), $"ledger-checkpoints-{Guid.NewGuid():N}.json");
        try
        {
            (exit, output) = await RunAsync("checkpoints", "export", file);
            exit.ShouldBe(0, output);
            var exported = JsonDocument.Parse(await File.ReadAllTextAsync(file)).RootElement;
            exported.GetProperty("publicKey").GetString()!.ShouldContain("BEGIN PUBLIC KEY");
            var head = await app.ScalarAsync<long>("select max(seq) from ledger.chain");
            exported.GetProperty("checkpoints").EnumerateArray().Select(c => c.GetProperty("position").GetInt64()).ShouldContain(head);

            // The exported file is what verify takes as checkpoints kept outside the database.
            (exit, output) = await RunAsync("verify", "--checkpoints", file);
            exit.ShouldBe(0, output);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private async Task<(int Exit, string Output)> RunAsync(params string[] args)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LEDGER_DB"] = app.ConnectionString,
            ["LEDGER_APP_ROLE"] = LedgerApp.AppRole,
            ["LEDGER_CHECKPOINT_KEY"] = LedgerApp.CheckpointKeyPem,
            ["LEDGER_LOG_KEY"] = LedgerApp.LogKeySeed,
        }).Build();
        var output = new StringWriter();
        var exit = await OperatorCommands.RunAsync(config, args, output);
        return (exit, output.ToString());
    }
}
