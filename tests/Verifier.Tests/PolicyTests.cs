using System.Text;

namespace LedgerVerify.Tests;

/// <summary>tlog-policy files: the spec's two-level example, quorum evaluation, and every refusal the spec implies.</summary>
public sealed class PolicyTests : IDisposable
{
    private readonly TestKey _log = new("ledger.test/catalogue", 0x01);
    private readonly Dictionary<string, TestKey> _w = new[] { "X1", "X2", "X3", "Y1", "Y2", "Y3" }.ToDictionary(n => n, n => new TestKey($"witness.test/{n}", 0x04));

    private static Policy Parse(string text) => Policy.Parse(Encoding.UTF8.GetBytes(text));

    private string W(string name) => $"witness {name} {_w[name].VerifierKey}\n";

    /// <summary>The spec's example policy, keys filled in.</summary>
    private string Example => $"log {_log.VerifierKey}\n\n{W("X1")}{W("X2")}{W("X3")}group X-witnesses 2 X1 X2 X3\n\n" +
        $"{W("Y1")}{W("Y2")}{W("Y3")}group Y-witnesses any Y1 Y2 Y3\n\ngroup X-and-Y all X-witnesses Y-witnesses\nquorum X-and-Y\n";

    [Theory]
    [InlineData("X1 X2 Y3", true)]
    [InlineData("X1 X3 Y1 Y2", true)]
    [InlineData("X1 Y1 Y2 Y3", false)]
    [InlineData("X1 X2 X3", false)]
    [InlineData("", false)]
    public void the_specs_example_quorum_needs_two_xs_and_one_y(string cosigned, bool met)
    {
        var policy = Parse(Example);
        policy.Logs.Single().Key.Name.ShouldBe("ledger.test/catalogue");
        policy.Witnesses.Count.ShouldBe(6);
        policy.Quorum.IsMetBy(cosigned.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet()).ShouldBe(met);
    }

    [Fact]
    public void comments_blank_lines_tabs_and_urls_are_accepted_and_none_needs_nothing()
    {
        var policy = Parse($"  # comment\n\t\n log\t{_log.VerifierKey}  https://ledger.test/ \nwitness X1 {_w["X1"].VerifierKey} https://x1.test\n\tquorum none \t\n");
        policy.Logs.Single().Url.ShouldBe("https://ledger.test/");
        policy.Witnesses.Single().Url.ShouldBe("https://x1.test");
        policy.Quorum.IsMetBy(new HashSet<string>()).ShouldBeTrue();
        Parse($"{W("X1")}quorum X1\n").Quorum.IsMetBy(new HashSet<string> { "X1" }).ShouldBeTrue();
    }

    [Fact]
    public void names_are_opaque_octets()
    {
        // The Kelvin sign is not K: names are compared as bytes, never folded.
        var policy = Parse($"witness \u212A {_w["X1"].VerifierKey}\nwitness K {_w["X2"].VerifierKey}\ngroup g 2 \u212A K\nquorum g\n");
        policy.Witnesses.Select(w => w.Name).Distinct().Count().ShouldBe(2);
    }

    public static TheoryData<string, string> Refusals() => new()
    {
        { "quorum none", "does not end in a newline" },
        { "", "exactly one quorum line" },
        { "# only a comment\n", "exactly one quorum line" },
        { "quorum none\nquorum none\n", "exactly one quorum line" },
        { "quorum X1\n", "'X1' is not 'none' or a witness or group defined on an earlier line" },
        { "quorum g\ngroup g any X1\n{X1}", "'g' is not 'none'" },
        { "group g any X1\n{X1}quorum g\n", "'X1' is not a witness or group defined on an earlier line" },
        { "{X1}group g any X1 X1\nquorum g\n", "'X1' is listed twice" },
        { "{X1}group g any none\nquorum g\n", "'none' cannot be a group member" },
        { "{X1}{X2}group g 3 X1 X2\nquorum g\n", "1 ≤ k ≤ 2" },
        { "{X1}group g 0 X1\nquorum g\n", "1 ≤ k ≤ 1" },
        { "{X1}group g 01 X1\nquorum g\n", "1 ≤ k ≤ 1" },
        { "{X1}group g any\nquorum g\n", "at least one member" },
        { "{X1}group X1 any X1\nquorum X1\n", "'X1' is already defined" },
        { "witness none {KX1}\nquorum none\n", "'none' is predefined" },
        { "{X1}witness X2 {KX1}\nquorum none\n", "already listed" },
        { "witness X1 {LOG}\nquorum none\n", "type 0x04, not 0x01" },
        { "log {KX1}\nquorum none\n", "type 0x01, not 0x04" },
        { "log {LOG}\nlog {LOG}\nquorum none\n", "already listed" },
        { "log {LOG} url extra\nquorum none\n", "'log <vkey> [<url>]'" },
        { "witness X1\nquorum none\n", "'witness <name> <vkey> [<url>]'" },
        { "witness X1 {KX1} url extra\nquorum none\n", "'witness <name> <vkey> [<url>]'" },
        { "logs {LOG}\nquorum none\n", "'logs' is not log, witness, group or quorum" },
        { "quorum none\r\n", "octet 0x0d" },
        { "quorum\tnone extra\n", "'quorum <name>'" },
        { "log example.com+00000000+AQ==\nquorum none\n", "line 1:" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void malformed_policies_are_refused_naming_the_line(string template, string saying)
    {
        var text = template.Replace("{X1}", W("X1")).Replace("{X2}", W("X2")).Replace("{KX1}", _w["X1"].VerifierKey).Replace("{LOG}", _log.VerifierKey);
        Should.Throw<FormatException>(() => Parse(text)).Message.ShouldContain(saying);
    }

    [Fact]
    public void a_control_octet_is_refused_with_its_line()
    {
        Should.Throw<FormatException>(() => Policy.Parse([.. "quorum none\n#"u8, 0x01, 0x0A])).Message.ShouldBe("line 2: octet 0x01 is not allowed (only tab, newline, 0x20–0x7E and 0x80–0xFF)");
    }

    public void Dispose()
    {
        _log.Dispose();
        foreach (var w in _w.Values) w.Dispose();
    }
}
