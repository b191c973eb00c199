namespace LedgerVerify;

/// <summary>
/// The body of a c2sp.org/tlog-checkpoint: origin, tree size in decimal, base64 root hash, then
/// optional extension lines; every line non-empty and newline-terminated.
/// </summary>
internal sealed record Checkpoint(string Origin, long Size, byte[] Root, IReadOnlyList<string> Extensions, string Text)
{
    /// <summary>The root as the checkpoint spells it.</summary>
    public string RootBase64 => Convert.ToBase64String(Root);

    /// <summary>The origin's last path part: the ledger's database name (origin = LEDGER_LOG_ORIGIN/database).</summary>
    public string Database => Origin[(Origin.LastIndexOf('/') + 1)..];

    public static Checkpoint Parse(string text)
    {
        if (text.Length == 0 || text[^1] != '\n') throw new FormatException("a checkpoint body ends with a newline");
        var lines = text[..^1].Split('\n');
        if (lines.Length < 3) throw new FormatException("a checkpoint body has at least three lines: origin, size, root");
        for (var i = 0; i < lines.Length; i++)
            if (lines[i].Length == 0) throw new FormatException($"checkpoint line {i + 1} is empty");
        if (!DecimalText.TryParse(lines[1], out var size)) throw new FormatException($"checkpoint line 2 '{Clip(lines[1])}' is not a tree size (decimal, no leading zero)");
        if (!StrictBase64.TryDecodeHash(lines[2], out var root)) throw new FormatException($"checkpoint line 3 '{Clip(lines[2])}' is not the base64 of a 32-byte root hash");
        return new Checkpoint(lines[0], size, root, lines[3..], text);
    }

    internal static string Clip(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
