using System.Text;

namespace LedgerVerify;

/// <summary>A log the policy trusts: its Ed25519 key (name = origin) and an optional URL.</summary>
internal sealed record PolicyLog(VerifierKey Key, string? Url);

/// <summary>A witness the policy names: the policy's own name for it, its cosignature key, an optional URL.</summary>
internal sealed record PolicyWitness(string Name, VerifierKey Key, string? Url);

/// <summary>
/// A c2sp.org/tlog-policy file: the logs and witnesses a reader trusts and the quorum of
/// cosignatures a checkpoint needs. Parsed to the letter of the spec: lines end in newline, items
/// are separated by spaces and tabs, names are opaque octets, groups and the quorum name only what
/// earlier lines defined, each member at most once per group, exactly one quorum line.
/// </summary>
internal sealed class Policy
{
    public const int MaxBytes = 1 << 20;

    private Policy(IReadOnlyList<PolicyLog> logs, IReadOnlyList<PolicyWitness> witnesses, QuorumRule quorum)
    {
        Logs = logs;
        Witnesses = witnesses;
        Quorum = quorum;
    }

    public IReadOnlyList<PolicyLog> Logs { get; }

    public IReadOnlyList<PolicyWitness> Witnesses { get; }

    public QuorumRule Quorum { get; }

    /// <summary>Parses the file's octets; the FormatException names the line.</summary>
    public static Policy Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > MaxBytes) throw new FormatException($"a policy is at most {MaxBytes} bytes here");
        for (var i = 0; i < bytes.Length; i++)
            if (bytes[i] is not (0x09 or 0x0A or >= 0x20 and <= 0x7E or >= 0x80))
                throw new FormatException($"line {LineAt(bytes, i)}: octet 0x{bytes[i]:x2} is not allowed (only tab, newline, 0x20–0x7E and 0x80–0xFF)");
        if (bytes.Length > 0 && bytes[^1] != 0x0A) throw new FormatException($"line {LineAt(bytes, bytes.Length - 1)} does not end in a newline");

        // Latin-1 maps each octet to one char, so names compare as the octet strings the spec asks for.
        var lines = Encoding.Latin1.GetString(bytes).Split('\n');
        var logs = new List<PolicyLog>();
        var witnesses = new List<PolicyWitness>();
        var names = new Dictionary<string, QuorumRule>(StringComparer.Ordinal);
        QuorumRule? quorum = null;
        for (var n = 0; n < lines.Length - 1; n++)
        {
            var line = lines[n].Trim(' ', '\t');
            if (line.Length == 0 || line[0] == '#') continue;
            var items = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            var at = $"line {n + 1}";
            switch (items[0])
            {
                case "log":
                    if (items.Length is not (2 or 3)) throw new FormatException($"{at}: 'log <vkey> [<url>]'");
                    var logKey = Key(items[1], VerifierKey.LogType, "a log", at);
                    if (logs.Any(l => l.Key.PublicKey.AsSpan().SequenceEqual(logKey.PublicKey))) throw new FormatException($"{at}: this log's public key is already listed");
                    if (logs.Any(l => l.Key.Label == logKey.Label)) throw new FormatException($"{at}: two log keys are both {logKey.Label}");
                    logs.Add(new PolicyLog(logKey, items.Length == 3 ? items[2] : null));
                    break;
                case "witness":
                    if (items.Length is not (3 or 4)) throw new FormatException($"{at}: 'witness <name> <vkey> [<url>]'");
                    NewName(items[1], names, at);
                    var witnessKey = Key(items[2], VerifierKey.CosignatureType, "a witness", at);
                    if (witnesses.Any(w => w.Key.PublicKey.AsSpan().SequenceEqual(witnessKey.PublicKey))) throw new FormatException($"{at}: this witness's public key is already listed");
                    if (witnesses.Any(w => w.Key.Label == witnessKey.Label)) throw new FormatException($"{at}: two witness keys are both {witnessKey.Label}");
                    witnesses.Add(new PolicyWitness(items[1], witnessKey, items.Length == 4 ? items[3] : null));
                    names[items[1]] = new WitnessRule(items[1]);
                    break;
                case "group":
                    if (items.Length < 4) throw new FormatException($"{at}: 'group <name> all|any|<k> <name>...' with at least one member");
                    NewName(items[1], names, at);
                    var members = new List<QuorumRule>();
                    var listed = new HashSet<string>(StringComparer.Ordinal);
                    foreach (var member in items[3..])
                    {
                        if (member == "none") throw new FormatException($"{at}: 'none' cannot be a group member");
                        if (!names.TryGetValue(member, out var rule)) throw new FormatException($"{at}: '{member}' is not a witness or group defined on an earlier line");
                        if (!listed.Add(member)) throw new FormatException($"{at}: '{member}' is listed twice");
                        members.Add(rule);
                    }
                    var k = items[2] switch
                    {
                        "all" => members.Count,
                        "any" => 1,
                        _ => DecimalText.TryParse(items[2], out var number) ? number : -1,
                    };
                    if (k < 1 || k > members.Count) throw new FormatException($"{at}: the threshold is all, any or a decimal k with 1 ≤ k ≤ {members.Count}");
                    names[items[1]] = new GroupRule(items[1], (int)k, members);
                    break;
                case "quorum":
                    if (items.Length != 2) throw new FormatException($"{at}: 'quorum <name>'");
                    if (quorum is not null) throw new FormatException($"{at}: a policy has exactly one quorum line");
                    quorum = items[1] == "none" ? new NoneRule()
                        : names.TryGetValue(items[1], out var named) ? named
                        : throw new FormatException($"{at}: '{items[1]}' is not 'none' or a witness or group defined on an earlier line");
                    break;
                default:
                    throw new FormatException($"{at}: '{items[0]}' is not log, witness, group or quorum");
            }
        }
        if (quorum is null) throw new FormatException("a policy has exactly one quorum line (write 'quorum none' to need no cosignature)");
        return new Policy(logs, witnesses, quorum);
    }

    private static VerifierKey Key(string item, byte type, string what, string at)
    {
        // The key name inside a vkey is UTF-8; the line was read as octets.
        if (!NoteText.TryDecode(Encoding.Latin1.GetBytes(item), out var text)) throw new FormatException($"{at}: the key name is not UTF-8");
        VerifierKey key;
        try
        {
            key = VerifierKey.Parse(text);
        }
        catch (FormatException e)
        {
            throw new FormatException($"{at}: {e.Message}");
        }
        if (key.Type != type) throw new FormatException($"{at}: {what}'s key has signature type 0x{type:x2}, not 0x{key.Type:x2}");
        return key;
    }

    private static void NewName(string name, Dictionary<string, QuorumRule> names, string at)
    {
        if (name == "none") throw new FormatException($"{at}: 'none' is predefined");
        if (names.ContainsKey(name)) throw new FormatException($"{at}: '{name}' is already defined (witnesses and groups share one namespace)");
    }

    private static int LineAt(ReadOnlySpan<byte> bytes, int offset) => bytes[..offset].Count((byte)0x0A) + 1;
}
