using System.Globalization;
using System.Text;

namespace Ledger.Transparency;

/// <summary>
/// The body of a c2sp.org/tlog-checkpoint: origin, tree size in decimal, base64 root hash, then
/// optional extension lines, each line newline-terminated and none empty.
/// </summary>
public sealed record Checkpoint(string Origin, long Size, Hash Root, IReadOnlyList<string> Extensions)
{
    public Checkpoint(string origin, long size, Hash root) : this(origin, size, root, []) { }

    /// <summary>The note text to sign.</summary>
    public string ToText()
    {
        if (Origin.Length == 0 || Origin.Contains('\n') || !NoteText.IsAllowed(Origin)) throw new InvalidOperationException("an origin is one non-empty line");
        if (Size < 0 || !Root.HasValue) throw new InvalidOperationException("a checkpoint has a size and a root");
        if (Extensions.Any(e => e.Length == 0 || e.Contains('\n') || !NoteText.IsAllowed(e))) throw new InvalidOperationException("an extension is one non-empty line");
        var text = new StringBuilder();
        text.Append(Origin).Append('\n').Append(Size.ToString(CultureInfo.InvariantCulture)).Append('\n').Append(Root.ToBase64()).Append('\n');
        foreach (var extension in Extensions) text.Append(extension).Append('\n');
        return text.ToString();
    }

    public static Checkpoint Parse(string text) =>
        TryParse(text, out var checkpoint) ? checkpoint : throw new FormatException("not a checkpoint: origin, size, base64 root, each on its own non-empty line");

    public static bool TryParse(string text, out Checkpoint checkpoint)
    {
        checkpoint = null!;
        if (text.Length == 0 || text[^1] != '\n' || !NoteText.IsAllowed(text)) return false;
        var lines = text[..^1].Split('\n');
        if (lines.Length < 3 || lines.Any(l => l.Length == 0)) return false;
        if (!DecimalText.TryParse(lines[1], out var size) || !Hash.TryParseBase64(lines[2], out var root)) return false;
        checkpoint = new Checkpoint(lines[0], size, root, lines[3..]);
        return true;
    }
}

/// <summary>Non-negative decimals as the C2SP formats spell them: ASCII digits, no sign, no leading zero but "0".</summary>
public static class DecimalText
{
    public static bool TryParse(string text, out long value)
    {
        value = 0;
        if (text.Length is 0 or > 19 || !text.All(char.IsAsciiDigit) || (text.Length > 1 && text[0] == '0')) return false;
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
