using Ledger.Api.Hosting;
using Ledger.Storage;
using Ledger.Transparency;
using Microsoft.Extensions.Configuration;
using Shouldly;

namespace Ledger.Tests.Transparency;

/// <summary>LEDGER_WITNESS_POLICY_FILE and LEDGER_WITNESS_SECONDS: a policy the service cannot use stops the start, saying why.</summary>
public sealed class WitnessConfigTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ledger-witness-config-").FullName;
    private static readonly string Witness = CosignatureSigner.Generate("w.example").VerifierKey.ToString();

    [Fact]
    public void without_a_file_the_quorum_is_none_and_nothing_is_submitted()
    {
        var config = WitnessConfig.Load(Config());
        (config.Policy.NeedsCosignatures, config.Submits, config.Within).ShouldBe((false, false, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void a_policy_with_urls_is_submitted_to_within_the_given_seconds()
    {
        var config = WitnessConfig.Load(Config(Policy($"witness w {Witness} https://w.example/\nquorum w\n"), "2.5"));
        (config.Policy.Quorum, config.Submits, config.Within).ShouldBe(("w", true, TimeSpan.FromSeconds(2.5)));
    }

    [Theory]
    [InlineData("witness w {w}\nquorum w\n", null, "names no witness URL")]
    [InlineData("witness w {w} https://w.example/\nquorum x\n", null, "not a tlog-policy: line 2")]
    [InlineData("witness w {w} https://w.example/\nquorum w\n", "0", "LEDGER_WITNESS_SECONDS")]
    [InlineData("witness w {w} https://w.example/\nquorum w\n", "ten", "LEDGER_WITNESS_SECONDS")]
    public void a_policy_the_service_cannot_use_refuses_the_start(string policy, string? seconds, string why)
    {
        var e = Should.Throw<StartupRefusedException>(() => WitnessConfig.Load(Config(Policy(policy.Replace("{w}", Witness)), seconds)));
        e.Message.ShouldContain(why);
    }

    [Fact]
    public void a_missing_file_refuses_the_start()
    {
        Should.Throw<StartupRefusedException>(() => WitnessConfig.Load(Config(Path.Combine(_folder, "nope")))).Message.ShouldContain("does not exist");
    }

    private string Policy(string text)
    {
        var path = Path.Combine(_folder, $"policy-{Guid.NewGuid():N}");
        File.WriteAllText(path, text);
        return path;
    }

    private static IConfiguration Config(string? file = null, string? seconds = null) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LEDGER_WITNESS_POLICY_FILE"] = file, ["LEDGER_WITNESS_SECONDS"] = seconds,
        }).Build();

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
