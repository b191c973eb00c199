namespace LedgerVerify;

/// <summary>
/// A c2sp.org/signed-note: a newline-terminated text, a blank line, one or more signature lines.
/// Parsing checks the form; <see cref="Verify"/> checks signatures by known keys.
/// </summary>
internal sealed class SignedNote
{
    /// <summary>The spec asks verifiers to accept at least 16; Go's reader stops at 100.</summary>
    public const int MaxSignatures = 100;

    public const int MaxBytes = 1 << 20;

    private SignedNote(string text, IReadOnlyList<NoteSignature> signatures)
    {
        Text = text;
        Signatures = signatures;
    }

    /// <summary>The signed text, its final newline included, the blank line not.</summary>
    public string Text { get; }

    public IReadOnlyList<NoteSignature> Signatures { get; }

    public static SignedNote Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > MaxBytes) throw new FormatException($"a note is at most {MaxBytes} bytes");
        if (!NoteText.TryDecode(bytes, out var text)) throw new FormatException("a note is valid UTF-8");
        return Parse(text);
    }

    public static SignedNote Parse(string note)
    {
        if (!NoteText.TryEncode(note, out var bytes)) throw new FormatException("a note is valid UTF-8");
        if (bytes.Length > MaxBytes) throw new FormatException($"a note is at most {MaxBytes} bytes");
        if (!NoteText.HasNoControlCharacters(note)) throw new FormatException("a note holds no control character but newline");
        // The last blank line separates the text (which may hold blank lines) from the signatures.
        var split = note.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0) throw new FormatException("a note has a blank line between its text and its signatures");
        var lines = note[(split + 2)..];
        if (lines.Length == 0 || lines[^1] != '\n') throw new FormatException("a note ends with newline-terminated signature lines");
        var signatures = new List<NoteSignature>();
        foreach (var line in lines[..^1].Split('\n'))
        {
            if (signatures.Count == MaxSignatures) throw new FormatException($"a note carries at most {MaxSignatures} signatures");
            signatures.Add(NoteSignature.Parse(line));
        }
        return new SignedNote(note[..(split + 1)], signatures);
    }

    /// <summary>
    /// The signed-note rules: a signature whose name and key ID match a known key must verify (one
    /// that fails rejects the note), signatures by unknown keys are ignored, and at least one known
    /// key must have signed. Returns the keys that verified, or the reason the note is rejected.
    /// </summary>
    public (IReadOnlyList<VerifierKey> Verified, string? Problem) Verify(IReadOnlyCollection<VerifierKey> known)
    {
        var text = NoteText.Encode(Text);
        var verified = new List<VerifierKey>();
        foreach (var signature in Signatures)
        {
            var key = known.FirstOrDefault(k => k.Name == signature.Name && k.KeyId == signature.KeyId);
            if (key is null) continue;
            if (!key.Verify(text, signature.Signature)) return ([], $"the signature by {key.Label} does not verify");
            if (!verified.Contains(key)) verified.Add(key);
        }
        if (verified.Count > 0) return (verified, null);
        var names = known.Count == 0 ? "none" : string.Join(", ", known.Select(k => k.Label));
        return ([], $"no signature by a known key (known: {names})");
    }

    public override string ToString() => Text + "\n" + string.Concat(Signatures.Select(s => s.Line));
}
