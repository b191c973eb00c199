using System.Globalization;
using System.Text;

namespace Ledger.Transparency;

/// <summary>
/// A c2sp.org/tlog-proof@v1: the header line, an optional <c>extra</c> line (base64), <c>index N</c>,
/// the inclusion proof one base64 hash a line, a blank line, then the checkpoint note verbatim.
/// </summary>
public sealed class TlogProof
{
    public const string Header = "c2sp.org/tlog-proof@v1";

    /// <summary>A tree of fewer than 2^63 leaves never needs more (tlog-witness caps proofs at 63 lines too).</summary>
    public const int MaxProofLines = 63;

    private readonly byte[]? _extra;

    public TlogProof(ReadOnlySpan<byte> extra, long index, IReadOnlyList<Hash> proof, SignedNote checkpoint)
    {
        if (index < 0) throw new ArgumentOutOfRangeException(nameof(index));
        if (proof.Count > MaxProofLines || proof.Any(h => !h.HasValue)) throw new ArgumentException($"a proof is at most {MaxProofLines} hashes", nameof(proof));
        if (!Transparency.Checkpoint.TryParse(checkpoint.Text, out var tree)) throw new ArgumentException("the note is not a checkpoint", nameof(checkpoint));
        // No extra data and zero bytes of it are one thing: the line is left out.
        _extra = extra.Length == 0 ? null : extra.ToArray();
        Index = index;
        Proof = proof.ToList();
        Checkpoint = checkpoint;
        Tree = tree;
    }

    /// <summary>The opaque extra data; unauthenticated, so never trusted on its own. Null when absent.</summary>
    public byte[]? Extra => _extra?.ToArray();

    public long Index { get; }

    public IReadOnlyList<Hash> Proof { get; }

    /// <summary>The checkpoint note with all its signatures.</summary>
    public SignedNote Checkpoint { get; }

    /// <summary>The checkpoint's body: origin, size and root.</summary>
    public Checkpoint Tree { get; }

    /// <summary>Whether the proof places this leaf hash at <see cref="Index"/> under the checkpoint's root. Signatures are the caller's to check.</summary>
    public bool Includes(Hash leafHash) => InclusionProof.Verify(Index, Tree.Size, leafHash, Proof, Tree.Root);

    public override string ToString()
    {
        var text = new StringBuilder(Header).Append('\n');
        if (_extra is not null) text.Append("extra ").Append(Convert.ToBase64String(_extra)).Append('\n');
        text.Append("index ").Append(Index.ToString(CultureInfo.InvariantCulture)).Append('\n');
        foreach (var hash in Proof) text.Append(hash.ToBase64()).Append('\n');
        return text.Append('\n').Append(Checkpoint).ToString();
    }

    public static TlogProof Parse(string text) =>
        TryParse(text, out var proof, out var problem) ? proof : throw new FormatException(problem);

    public static bool TryParse(string text, out TlogProof proof, out string problem)
    {
        proof = null!;
        problem = "";
        // Proof lines are never empty, so the first blank line ends them.
        var blank = text.IndexOf("\n\n", StringComparison.Ordinal);
        if (blank < 0) return Fail("a tlog proof has a blank line before its checkpoint", out problem);
        var lines = text[..blank].Split('\n');
        if (lines[0] != Header) return Fail($"a tlog proof starts with {Header}", out problem);

        var at = 1;
        var extra = Array.Empty<byte>();
        if (at < lines.Length && lines[at].StartsWith("extra ", StringComparison.Ordinal))
        {
            if (!StrictBase64.TryDecode(lines[at].AsSpan("extra ".Length), out extra) || extra.Length == 0) return Fail("the extra line is base64 of at least one byte", out problem);
            at++;
        }
        if (at >= lines.Length || !lines[at].StartsWith("index ", StringComparison.Ordinal) || !DecimalText.TryParse(lines[at]["index ".Length..], out var index))
            return Fail("an 'index N' line follows the header (and extra line)", out problem);
        at++;

        if (lines.Length - at > MaxProofLines) return Fail($"a tlog proof has at most {MaxProofLines} proof lines", out problem);
        var hashes = new List<Hash>();
        for (; at < lines.Length; at++)
        {
            if (!Hash.TryParseBase64(lines[at], out var hash)) return Fail("each proof line is the base64 of one SHA-256 hash", out problem);
            hashes.Add(hash);
        }

        if (!SignedNote.TryParse(text[(blank + 2)..], out var note, out var noteProblem)) return Fail($"the checkpoint is not a signed note: {noteProblem}", out problem);
        if (!Transparency.Checkpoint.TryParse(note.Text, out _)) return Fail("the signed note is not a checkpoint", out problem);
        proof = new TlogProof(extra, index, hashes, note);
        return true;
    }

    private static bool Fail(string why, out string problem)
    {
        problem = why;
        return false;
    }
}
