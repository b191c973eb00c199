namespace LedgerVerify;

/// <summary>
/// A c2sp.org/tlog-proof@v1: the header line, an optional <c>extra</c> line (base64), <c>index N</c>,
/// zero or more base64 proof hashes one a line, an empty line, then the checkpoint note verbatim.
/// </summary>
internal sealed record TlogProof(byte[]? Extra, long Index, IReadOnlyList<byte[]> Hashes, SignedNote Note, Checkpoint Checkpoint)
{
    public const string Header = "c2sp.org/tlog-proof@v1";

    /// <summary>A tree of fewer than 2^63 leaves never needs more.</summary>
    public const int MaxHashes = 63;

    /// <summary>Parses the file's bytes; the FormatException names the line that is wrong.</summary>
    public static TlogProof Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > SignedNote.MaxBytes + 8192) throw new FormatException("a tlog proof this large is not one");
        if (!NoteText.TryDecode(bytes, out var text)) throw new FormatException("a tlog proof is valid UTF-8");
        // Proof lines are never empty, so the first empty line ends them and the checkpoint follows.
        var blank = text.IndexOf("\n\n", StringComparison.Ordinal);
        if (blank < 0) throw new FormatException("a tlog proof has an empty line before its checkpoint");
        var lines = text[..blank].Split('\n');
        if (lines[0] != Header) throw new FormatException($"line 1 is not '{Header}'");

        var at = 1;
        byte[]? extra = null;
        if (at < lines.Length && lines[at].StartsWith("extra ", StringComparison.Ordinal))
        {
            if (!StrictBase64.TryDecode(lines[at]["extra ".Length..], out var data) || data.Length == 0)
                throw new FormatException($"line {at + 1}: the extra data is not canonical base64 of at least one byte");
            extra = data;
            at++;
        }
        if (at >= lines.Length || !lines[at].StartsWith("index ", StringComparison.Ordinal) || !DecimalText.TryParse(lines[at]["index ".Length..], out var index))
            throw new FormatException($"line {at + 1} is not 'index N' (decimal, no leading zero)");
        at++;

        if (lines.Length - at > MaxHashes) throw new FormatException($"a tlog proof has at most {MaxHashes} proof hashes");
        var hashes = new List<byte[]>();
        for (; at < lines.Length; at++)
        {
            if (!StrictBase64.TryDecodeHash(lines[at], out var hash)) throw new FormatException($"line {at + 1} is not the base64 of a 32-byte hash");
            hashes.Add(hash);
        }

        var firstNoteLine = lines.Length + 2;
        SignedNote note;
        Checkpoint checkpoint;
        try
        {
            note = SignedNote.Parse(text[(blank + 2)..]);
            checkpoint = Checkpoint.Parse(note.Text);
        }
        catch (FormatException e)
        {
            throw new FormatException($"the checkpoint from line {firstNoteLine}: {e.Message}");
        }
        return new TlogProof(extra, index, hashes, note, checkpoint);
    }
}
