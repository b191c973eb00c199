using Ledger.Api.Hosting;
using Ledger.Storage;
using Microsoft.Extensions.Configuration;
using Shouldly;

namespace Ledger.Tests.Transparency;

/// <summary>The log is kept unless the operator turns it off, and a switch it cannot read stops the start, not the log.</summary>
public sealed class LogSwitchTests
{
    private static readonly string Seed = Convert.ToBase64String(new byte[32]);

    private static IConfiguration Config(string? value) => new ConfigurationBuilder().AddInMemoryCollection(
        new Dictionary<string, string?> { ["LEDGER_LOG"] = value, ["LEDGER_LOG_KEY"] = Seed }).Build();

    [Theory]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData("1", true)]
    [InlineData("on", true)]
    [InlineData("0", false)]
    [InlineData("off", false)]
    [InlineData("false", false)]
    public void the_log_is_kept_unless_turned_off(string? value, bool kept)
    {
        using var keys = LogKey.Load(Config(value), embeddedDataDir: null);
        keys.Enabled.ShouldBe(kept);
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("2")]
    [InlineData("OFF ")]
    public void a_switch_it_cannot_read_refuses_the_start_and_names_the_value(string value) =>
        Should.Throw<StartupRefusedException>(() => LogKey.Load(Config(value), embeddedDataDir: null)).Message.ShouldContain($"'{value}'");
}
