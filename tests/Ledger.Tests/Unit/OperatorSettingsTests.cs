using Ledger.Storage;
using Ledger.Tests.Reliability;
using Ledger.Tests.Support;
using Shouldly;

namespace Ledger.Tests.Unit;

/// <summary>
/// Every number an operator may set: unset takes its default, a readable value in range is used, and anything else refuses
/// the start naming the setting and the value (it used to be replaced by the default without a word).
/// </summary>
public sealed class OperatorSettingsTests
{
    private static Func<string, string?> Only(string name, string? value) => n => n == name ? value : null;

    [Fact]
    public void unset_or_empty_settings_take_their_defaults()
    {
        OperatorSettings.Check(_ => null);
        OperatorSettings.Check(_ => "");
        OperatorSettings.Numbers.Select(s => s.Read(_ => null)).ShouldBe(OperatorSettings.Numbers.Select(s => s.Default));
        OperatorSettings.Switches.Select(s => s.Read(_ => null)).ShouldBe(OperatorSettings.Switches.Select(s => s.Default));
        OperatorSettings.All.Select(s => s.Name).ShouldBeUnique();
    }

    [Theory]
    [InlineData("LEDGER_MAP_TIMEOUT_SECONDS", "0.5", 0.5)]
    [InlineData("LEDGER_DERIVED_CHECK_MINUTES", "-1", -1)]
    [InlineData("LEDGER_DERIVED_CHECK_MINUTES", "0", 0)]
    [InlineData("LEDGER_TILE_CACHE_MB", "0", 0)]
    [InlineData("LEDGER_IMPORT_WORKERS", "64", 64)]
    [InlineData("LEDGER_RATE_LIMIT", "1000000", 1_000_000)]
    public void a_value_in_range_is_used(string name, string value, double expected) =>
        OperatorSettings.Numbers.Single(s => s.Name == name).Read(Only(name, value)).ShouldBe(expected);

    [Theory]
    [InlineData("LEDGER_RATE_LIMIT", "100k")]
    [InlineData("LEDGER_RATE_LIMIT", "0")]
    [InlineData("LEDGER_MAP_TIMEOUT_SECONDS", "30s")]
    [InlineData("LEDGER_MAP_TIMEOUT_SECONDS", "3601")]
    [InlineData("LEDGER_MAP_MAX_FEATURES", "1.5")]
    [InlineData("LEDGER_IMPORT_WORKERS", "65")]
    [InlineData("LEDGER_IMPORT_MAX_MINUTES", "1,5")]
    [InlineData("LEDGER_TILE_CACHE_MB", "-1")]
    [InlineData("LEDGER_CHECKPOINT_MINUTES", "0")]
    [InlineData("LEDGER_UPLOADS_IN_FLIGHT", " 4")]
    [InlineData("LEDGER_ROLLBACK_CHECK_SECONDS", "1e3")]
    [InlineData("LEDGER_NODE_STALE_SECONDS", "1.5")]
    [InlineData("LEDGER_WITNESS_SECONDS", "ten")]
    public void anything_else_refuses_the_start_naming_the_setting_and_its_value(string name, string value)
    {
        var refused = Should.Throw<StartupRefusedException>(() => OperatorSettings.Check(Only(name, value)));
        refused.Message.ShouldStartWith($"{name} '{value}' is not ");
        refused.Message.ShouldContain("unset, it is");
    }

    [Theory]
    [InlineData("LEDGER_DEMO", null, true)]
    [InlineData("LEDGER_DEMO", "0", false)]
    [InlineData("LEDGER_DEMO", "off", false)]
    [InlineData("LEDGER_TELEMETRY", "false", false)]
    [InlineData("LEDGER_TELEMETRY", "", true)]
    [InlineData("LEDGER_RUN_AS_OWNER", null, false)]
    [InlineData("LEDGER_RUN_AS_OWNER", "true", true)]
    [InlineData("LEDGER_LOG", "on", true)]
    public void a_switch_reads_one_and_zero_and_their_words(string name, string? value, bool expected)
    {
        OperatorSettings.Switches.Single(s => s.Name == name).Read(Only(name, value)).ShouldBe(expected);
    }

    [Theory]
    [InlineData("LEDGER_DEMO", "no")] // it used to load the demo: only "0" turned it off
    [InlineData("LEDGER_TELEMETRY", "disabled")]
    [InlineData("LEDGER_RUN_AS_OWNER", "yes")]
    [InlineData("LEDGER_LOG_FORMAT", "JSON")]
    public void a_switch_or_choice_it_cannot_read_refuses_the_start(string name, string value) =>
        Should.Throw<StartupRefusedException>(() => OperatorSettings.Check(Only(name, value))).Message.ShouldStartWith($"{name} '{value}' is ");

    [Fact]
    public void the_log_format_is_text_unless_json() =>
        (OperatorSettings.LogFormat.Read(_ => null), OperatorSettings.LogFormat.Read(Only("LEDGER_LOG_FORMAT", "json"))).ShouldBe(("text", "json"));
}

/// <summary>The service itself: a bad number stops the start before anything is served.</summary>
[Collection(LedgerCollection.Name)]
public sealed class OperatorSettingsStartTests(LedgerApp app)
{
    [Fact]
    public async Task the_service_refuses_to_start_with_a_number_it_cannot_read()
    {
        var keyFile = Path.Combine(Path.GetTempPath(), $"settings-key-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(keyFile, LedgerApp.CheckpointKeyPem);
        try
        {
            await using var api = new ApiProcess(app.ConnectionString, LedgerApp.AdminKey, keyFile,
                new Dictionary<string, string> { ["LEDGER_MAP_TIMEOUT_SECONDS"] = "30s" });
            (await Should.ThrowAsync<InvalidOperationException>(api.StartAsync())).Message.ShouldContain("exited with 1");
            await api.WaitForOutputAsync("Refusing to start: LEDGER_MAP_TIMEOUT_SECONDS '30s' is not a number from 0.001 to 3,600",
                TimeSpan.FromSeconds(5));
        }
        finally
        {
            File.Delete(keyFile);
        }
    }
}
