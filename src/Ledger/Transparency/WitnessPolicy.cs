using System.Globalization;
using System.Text;

namespace Ledger.Transparency;

/// <summary>A witness of a policy: its policy-local name, its cosignature key (type 0x04) and, for submission, its URL.</summary>
public sealed record PolicyWitness(string Name, VerifierKey Key, Uri? Url);

/// <summary>A group: met when at least <see cref="Threshold"/> of its members (witnesses or earlier groups) are.</summary>
public sealed record PolicyGroup(string Name, int Threshold, IReadOnlyList<string> Members);

/// <summary>
/// A c2sp.org/tlog-policy file: the logs a reader accepts, the witnesses, groups of them, and the
/// quorum a checkpoint's cosignatures must meet. Parsed strictly: names are defined before use, a
/// name is a member of a group at most once, one quorum line, no duplicate keys, and the only
/// control characters are tab and newline.
/// </summary>
public sealed class WitnessPolicy
{
    /// <summary>The spec asks for at least 32 of each; more than this is refused as a mistake.</summary>
    public const int MaxEntries = 256;

    public const string None = "none";

    private readonly Dictionary<string, PolicyWitness> _witnesses;
    private readonly Dictionary<string, PolicyGroup> _groups;

    private WitnessPolicy(List<(VerifierKey Key, Uri? Url)> logs, Dictionary<string, PolicyWitness> witnesses, Dictionary<string, PolicyGroup> groups,
        List<PolicyWitness> witnessOrder, List<PolicyGroup> groupOrder, string quorum)
    {
        Logs = logs;
        _witnesses = witnesses;
        _groups = groups;
        Witnesses = witnessOrder;
        Groups = groupOrder;
        Quorum = quorum;
    }

    public IReadOnlyList<(VerifierKey Key, Uri? Url)> Logs { get; }

    public IReadOnlyList<PolicyWitness> Witnesses { get; }

    public IReadOnlyList<PolicyGroup> Groups { get; }

    /// <summary>The name of the witness or group that must be met, or <see cref="None"/>.</summary>
    public string Quorum { get; }

    public bool NeedsCosignatures => Quorum != None;

    /// <summary>A policy with no witnesses: the newest log-signed checkpoint is enough.</summary>
    public static WitnessPolicy NoQuorum { get; } = new([], [], [], [], [], None);

    /// <summary>Whether cosignatures by these witnesses (policy names) meet the quorum.</summary>
    public bool IsMetBy(IReadOnlySet<string> cosigned) => Quorum == None || IsMet(Quorum, cosigned);

    private bool IsMet(string name, IReadOnlySet<string> cosigned) =>
        _groups.TryGetValue(name, out var group)
            ? group.Members.Count(m => IsMet(m, cosigned)) >= group.Threshold
            : cosigned.Contains(name);

    /// <summary>
    /// The witnesses (policy names) whose cosignature lines on this checkpoint verify. A line by a
    /// policy witness's key that does not verify is not counted (and not an error: the signed-note
    /// rule that one bad known signature spoils the note is for the log's own signature).
    /// </summary>
    public IReadOnlySet<string> CosignedBy(SignedNote checkpoint)
    {
        var text = NoteText.Encode(checkpoint.Text);
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var w in Witnesses)
        foreach (var s in checkpoint.Signatures)
            if (s.Name == w.Key.Name && s.KeyId == w.Key.KeyId && w.Key.ToVerifier().Verify(text, s.Signature))
                found.Add(w.Name);
        return found;
    }

    /// <summary>The same policy with these logs (a server's own) in place of the file's log lines.</summary>
    public WitnessPolicy WithLogs(IEnumerable<VerifierKey> logs) =>
        new(logs.Select(k => (k, (Uri?)null)).ToList(), _witnesses, _groups, Witnesses.ToList(), Groups.ToList(), Quorum);

    /// <summary>The policy as a file, without URLs (a reader verifying offline needs none; a submission URL may be an internal address).</summary>
    public string ToText()
    {
        var text = new StringBuilder();
        foreach (var (key, _) in Logs) text.Append("log ").Append(key).Append('\n');
        foreach (var w in Witnesses) text.Append("witness ").Append(w.Name).Append(' ').Append(w.Key).Append('\n');
        foreach (var g in Groups) text.Append("group ").Append(g.Name).Append(' ').Append(g.Threshold.ToString(CultureInfo.InvariantCulture)).Append(' ').AppendJoin(' ', g.Members).Append('\n');
        return text.Append("quorum ").Append(Quorum).Append('\n').ToString();
    }

    public static WitnessPolicy Parse(string text) =>
        TryParse(text, out var policy, out var problem) ? policy : throw new FormatException(problem);

    public static bool TryParse(string text, out WitnessPolicy policy, out string problem)
    {
        policy = null!;
        var logs = new List<(VerifierKey, Uri?)>();
        var witnesses = new Dictionary<string, PolicyWitness>(StringComparer.Ordinal);
        var witnessOrder = new List<PolicyWitness>();
        var groups = new Dictionary<string, PolicyGroup>(StringComparer.Ordinal);
        var groupOrder = new List<PolicyGroup>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        string? quorum = null;
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var where = $"line {i + 1}";
            var line = lines[i];
            if (line.Any(c => c < 0x20 && c != '\t' || c == 0x7F)) return Fail($"{where}: a control character other than tab", out problem);
            var words = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0 || words[0].StartsWith('#')) continue;
            switch (words[0])
            {
                case "log":
                    if (words.Length is < 2 or > 3) return Fail($"{where}: 'log <vkey> [<url>]'", out problem);
                    if (!VerifierKey.TryParse(words[1], out var logKey) || logKey.Type != SignatureType.Ed25519)
                        return Fail($"{where}: '{Clip(words[1])}' is not an Ed25519 (type 0x01) verifier key", out problem);
                    if (!keys.Add(Convert.ToBase64String(logKey.PublicKey))) return Fail($"{where}: the key is listed twice", out problem);
                    if (!TryUrl(words, 2, out var logUrl)) return Fail($"{where}: '{Clip(words[2])}' is not an http(s) URL", out problem);
                    logs.Add((logKey, logUrl));
                    break;
                case "witness":
                    if (words.Length is < 3 or > 4) return Fail($"{where}: 'witness <name> <vkey> [<url>]'", out problem);
                    if (words[1] == None || IsDefined(words[1], witnesses, groups)) return Fail($"{where}: the name '{Clip(words[1])}' is already defined", out problem);
                    if (!VerifierKey.TryParse(words[2], out var witnessKey) || witnessKey.Type != SignatureType.Cosignature)
                        return Fail($"{where}: '{Clip(words[2])}' is not a cosignature (type 0x04) verifier key", out problem);
                    if (!keys.Add(Convert.ToBase64String(witnessKey.PublicKey))) return Fail($"{where}: the key is listed twice", out problem);
                    if (!TryUrl(words, 3, out var witnessUrl)) return Fail($"{where}: '{Clip(words[3])}' is not an http(s) URL", out problem);
                    var witness = new PolicyWitness(words[1], witnessKey, witnessUrl);
                    witnesses[witness.Name] = witness;
                    witnessOrder.Add(witness);
                    break;
                case "group":
                    if (words.Length < 4) return Fail($"{where}: 'group <name> all|any|<k> <name>...'", out problem);
                    if (words[1] == None || IsDefined(words[1], witnesses, groups)) return Fail($"{where}: the name '{Clip(words[1])}' is already defined", out problem);
                    var members = words[3..];
                    if (members.Distinct(StringComparer.Ordinal).Count() != members.Length) return Fail($"{where}: a member is listed twice", out problem);
                    if (members.FirstOrDefault(m => !IsDefined(m, witnesses, groups)) is { } undefined)
                        return Fail($"{where}: '{Clip(undefined)}' is not a witness or group defined on an earlier line", out problem);
                    int? k = words[2] switch
                    {
                        "all" => members.Length,
                        "any" => 1,
                        var n when n.All(char.IsAsciiDigit) && n.Length is > 0 and < 4 && n[0] != '0' => int.Parse(n, CultureInfo.InvariantCulture),
                        _ => null,
                    };
                    if (k is null || k < 1 || k > members.Length) return Fail($"{where}: the threshold must be all, any or 1…{members.Length}", out problem);
                    var group = new PolicyGroup(words[1], k.Value, members);
                    groups[group.Name] = group;
                    groupOrder.Add(group);
                    break;
                case "quorum":
                    if (words.Length != 2) return Fail($"{where}: 'quorum <name>'", out problem);
                    if (quorum is not null) return Fail($"{where}: a second quorum line", out problem);
                    if (words[1] != None && !IsDefined(words[1], witnesses, groups))
                        return Fail($"{where}: '{Clip(words[1])}' is not a witness or group defined on an earlier line", out problem);
                    quorum = words[1];
                    break;
                default:
                    return Fail($"{where}: '{Clip(words[0])}' is not a policy line (log, witness, group, quorum or a # comment)", out problem);
            }
            if (logs.Count > MaxEntries || witnesses.Count > MaxEntries || groups.Count > MaxEntries)
                return Fail($"{where}: more than {MaxEntries} logs, witnesses or groups", out problem);
        }
        if (quorum is null) return Fail("the policy has no quorum line (write 'quorum none' for none)", out problem);
        policy = new WitnessPolicy(logs, witnesses, groups, witnessOrder, groupOrder, quorum);
        problem = "";
        return true;
    }

    private static bool IsDefined(string name, Dictionary<string, PolicyWitness> witnesses, Dictionary<string, PolicyGroup> groups) =>
        name != None && (witnesses.ContainsKey(name) || groups.ContainsKey(name));

    private static bool TryUrl(string[] words, int at, out Uri? url)
    {
        url = null;
        if (words.Length <= at) return true;
        return Uri.TryCreate(words[at], UriKind.Absolute, out url) && url.Scheme is "http" or "https";
    }

    private static string Clip(string s) => s.Length <= 80 ? s : s[..80] + "…";

    private static bool Fail(string why, out string problem)
    {
        problem = why;
        return false;
    }
}
