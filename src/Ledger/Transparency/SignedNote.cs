using System.Text;

namespace Ledger.Transparency;

/// <summary>
/// A c2sp.org/signed-note: a newline-terminated text, a blank line, then one or more signature lines.
/// Parsing checks the form only; <see cref="Verify"/> says whether known keys signed it.
/// </summary>
public sealed class SignedNote
{
    /// <summary>Signatures accepted in one note (the spec asks for at least 16; Go's reader stops at 100).</summary>
    public const int MaxSignatures = 100;

    /// <summary>Bytes accepted in one note: room for 100 post-quantum signatures of nearly 5 kB.</summary>
    public const int MaxBytes = 1 << 20;

    private SignedNote(string text, IReadOnlyList<NoteSignature> signatures)
    {
        Text = text;
        Signatures = signatures;
    }

    /// <summary>The signed text, final newline included.</summary>
    public string Text { get; }

    public IReadOnlyList<NoteSignature> Signatures { get; }

    /// <summary>Signs the text with each signer, in order.</summary>
    public static SignedNote Sign(string text, params INoteSigner[] signers)
    {
        if (!IsSignableText(text)) throw new ArgumentException("a note text is newline-terminated UTF-8 without control characters", nameof(text));
        if (signers.Length == 0) throw new ArgumentException("a note has at least one signature", nameof(signers));
        var bytes = NoteText.Encode(text);
        return new SignedNote(text, signers.Select(s => new NoteSignature(s.Name, s.KeyId, s.Sign(bytes))).ToList());
    }

    /// <summary>The same text with more signature lines after these (a witness's cosignatures, say).</summary>
    public SignedNote WithSignatures(IEnumerable<NoteSignature> more)
    {
        var all = Signatures.Concat(more).ToList();
        return all.Count <= MaxSignatures ? new SignedNote(Text, all) : throw new ArgumentException($"a note carries at most {MaxSignatures} signatures", nameof(more));
    }

    public static SignedNote Parse(string note) =>
        TryParse(note, out var parsed, out var problem) ? parsed : throw new FormatException(problem);

    public static bool TryParse(string note, out SignedNote parsed, out string problem)
    {
        parsed = null!;
        if (!NoteText.IsAllowed(note)) return Fail("a note is UTF-8 without control characters but newline", out problem);
        if (Encoding.UTF8.GetByteCount(note) > MaxBytes) return Fail($"a note is at most {MaxBytes} bytes", out problem);
        return TryParseText(note, out parsed, out problem);
    }

    public static bool TryParse(ReadOnlySpan<byte> utf8, out SignedNote parsed, out string problem)
    {
        parsed = null!;
        if (utf8.Length > MaxBytes) return Fail($"a note is at most {MaxBytes} bytes", out problem);
        if (!NoteText.TryDecode(utf8, out var note)) return Fail("a note is valid UTF-8", out problem);
        if (!NoteText.IsAllowed(note)) return Fail("a note is UTF-8 without control characters but newline", out problem);
        return TryParseText(note, out parsed, out problem);
    }

    private static bool TryParseText(string note, out SignedNote parsed, out string problem)
    {
        parsed = null!;
        // The last blank line separates the text (which may hold blank lines) from the signatures.
        var split = note.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0) return Fail("a note has a blank line before its signatures", out problem);
        var lines = note[(split + 2)..];
        if (lines.Length == 0 || lines[^1] != '\n') return Fail("a note ends with newline-terminated signature lines", out problem);
        var signatures = NoteSignature.ParseLines(lines);
        if (signatures is null) return Fail($"each signature line is '— name base64', at most {MaxSignatures} of them", out problem);
        parsed = new SignedNote(note[..(split + 1)], signatures);
        problem = "";
        return true;
    }

    /// <summary>
    /// Checks every signature by a known key (same name and key ID): one that fails rejects the note,
    /// and at least one must verify. Signatures by unknown keys are ignored, as the spec requires.
    /// </summary>
    public NoteVerification Verify(IEnumerable<INoteVerifier> known)
    {
        var byId = new Dictionary<(string, uint), INoteVerifier>();
        foreach (var verifier in known)
            if (!byId.TryAdd((verifier.Name, verifier.KeyId), verifier))
                throw new ArgumentException($"two known keys are both {verifier.Name}+{NoteKeys.Hex(verifier.KeyId)}", nameof(known));

        var text = NoteText.Encode(Text);
        var verified = new List<INoteVerifier>();
        foreach (var signature in Signatures)
        {
            if (!byId.TryGetValue((signature.Name, signature.KeyId), out var verifier)) continue;
            if (!verifier.Verify(text, signature.Signature))
                return new NoteVerification(false, [], $"the signature by {signature.Name}+{NoteKeys.Hex(signature.KeyId)} does not verify");
            if (!verified.Contains(verifier)) verified.Add(verifier);
        }
        return verified.Count > 0
            ? new NoteVerification(true, verified, null)
            : new NoteVerification(false, [], "no signature by a known key");
    }

    public override string ToString() => Text + "\n" + string.Concat(Signatures.Select(s => s.Line));

    public byte[] ToBytes() => NoteText.Encode(ToString());

    private static bool IsSignableText(string text) => text.Length > 0 && text[^1] == '\n' && NoteText.IsAllowed(text);

    private static bool Fail(string why, out string problem)
    {
        problem = why;
        return false;
    }
}

/// <summary>Whether a note verified, by which of the known keys, and if not, why.</summary>
public sealed record NoteVerification(bool IsValid, IReadOnlyList<INoteVerifier> VerifiedBy, string? Problem);
