using Ledger.Transparency;
using Shouldly;

namespace Ledger.Tests.Transparency;

/// <summary>c2sp.org/tlog-policy: the example's structure, quorum arithmetic through nested groups, and every refusal the spec implies.</summary>
public sealed class WitnessPolicyTests
{
    private static readonly CosignatureSigner[] Signers = Enumerable.Range(1, 6).Select(i => CosignatureSigner.Generate($"w{i}.example")).ToArray();
    private static readonly Ed25519NoteSigner Log = Ed25519NoteSigner.Generate("example.com/log");

    private static string W(int i) => Signers[i - 1].VerifierKey.ToString();

    /// <summary>The spec's example: two of X1–X3 and any of Y1–Y3.</summary>
    private static readonly string Example = $"""
        # the spec's example, keys filled in
        log {Log.VerifierKey}

        witness X1 {W(1)}
        witness X2 {W(2)}
        witness X3 {W(3)} https://x3.example/
        group X-witnesses 2 X1 X2 X3

        witness Y1 {W(4)}
        witness Y2 {W(5)}
        witness	Y3	{W(6)}
        group Y-witnesses any Y1 Y2 Y3

        group X-and-Y all X-witnesses Y-witnesses
        quorum X-and-Y

        """;

    [Theory]
    [InlineData("X1 X2 Y3", true)]
    [InlineData("X1 X3 Y1 Y2", true)]
    [InlineData("X1 Y1 Y2 Y3", false)]
    [InlineData("X1 X2 X3", false)]
    [InlineData("", false)]
    public void the_example_needs_two_x_and_one_y(string cosigned, bool met)
    {
        var policy = WitnessPolicy.Parse(Example);
        policy.Logs.Single().Key.ToString().ShouldBe(Log.VerifierKey.ToString());
        policy.Witnesses.Single(w => w.Name == "X3").Url.ShouldBe(new Uri("https://x3.example/"));
        policy.IsMetBy(cosigned.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet()).ShouldBe(met);
    }

    [Fact]
    public void quorum_none_is_met_by_nothing_and_a_single_witness_by_itself()
    {
        WitnessPolicy.Parse("quorum none\n").IsMetBy(new HashSet<string>()).ShouldBeTrue();
        var one = WitnessPolicy.Parse($"witness A {W(1)}\nquorum A\n");
        one.IsMetBy(new HashSet<string>()).ShouldBeFalse();
        one.IsMetBy(new HashSet<string> { "A" }).ShouldBeTrue();
    }

    [Fact]
    public void cosigned_by_counts_only_lines_that_verify_with_a_policy_key()
    {
        var policy = WitnessPolicy.Parse(Example);
        var text = new Checkpoint("example.com/log", 5, Hash.Sha256("root"u8)).ToText();
        var note = SignedNote.Sign(text, Log);
        var now = NodaTime.Instant.FromUnixTimeSeconds(1_700_000_000);
        using var stranger = CosignatureSigner.Generate("w2.example");
        var other = SignedNote.Sign(new Checkpoint("example.com/log", 6, Hash.Sha256("root"u8)).ToText(), Log);
        var cosigned = note.WithSignatures([
            Signers[0].Cosign(text, now),
            stranger.Cosign(text, now),                      // same name as X2, another key
            Signers[3].Cosign(other.Text, now),              // Y1, but over another checkpoint
        ]);
        policy.CosignedBy(cosigned).ShouldBe(["X1"]);
    }

    [Fact]
    public void the_text_written_back_parses_to_the_same_policy_without_urls()
    {
        var policy = WitnessPolicy.Parse(Example);
        var again = WitnessPolicy.Parse(policy.ToText());
        again.ToText().ShouldBe(policy.ToText());
        again.Witnesses.ShouldAllBe(w => w.Url == null);
        again.IsMetBy(new HashSet<string> { "X1", "X2", "Y3" }).ShouldBeTrue();
    }

    [Theory]
    [InlineData("", "no quorum line")]
    [InlineData("quorum none\nquorum none\n", "a second quorum line")]
    [InlineData("quorum X\n", "not a witness or group defined")]
    [InlineData("group G any A\nwitness A {1}\nquorum G\n", "not a witness or group defined on an earlier line")]
    [InlineData("witness A {1}\nwitness A {2}\nquorum A\n", "already defined")]
    [InlineData("witness none {1}\nquorum none\n", "already defined")]
    [InlineData("witness A {1}\nwitness B {1}\nquorum A\n", "listed twice")]
    [InlineData("witness A {1}\ngroup G 2 A\nquorum G\n", "threshold")]
    [InlineData("witness A {1}\ngroup G 0 A\nquorum G\n", "threshold")]
    [InlineData("witness A {1}\ngroup G 01 A\nquorum G\n", "threshold")]
    [InlineData("witness A {1}\ngroup G any A A\nquorum G\n", "listed twice")]
    [InlineData("witness A {1}\ngroup G any none\nquorum G\n", "not a witness or group defined")]
    [InlineData("witness A {log}\nquorum A\n", "not a cosignature (type 0x04)")]
    [InlineData("log {1}\nquorum none\n", "not an Ed25519 (type 0x01)")]
    [InlineData("witness A {1} ftp://a.example/\nquorum A\n", "not an http(s) URL")]
    [InlineData("witness A {1}\r\nquorum A\n", "control character")]
    [InlineData("witnesses A {1}\nquorum A\n", "not a policy line")]
    [InlineData("witness A\nquorum A\n", "'witness <name> <vkey> [<url>]'")]
    public void malformed_policies_are_refused_saying_why(string template, string why)
    {
        var text = template.Replace("{1}", W(1)).Replace("{2}", W(2)).Replace("{log}", Log.VerifierKey.ToString());
        WitnessPolicy.TryParse(text, out _, out var problem).ShouldBeFalse();
        problem.ShouldContain(why);
    }
}
