namespace Ledger.Transparency;

/// <summary>Checks type 0x01 signatures: plain Ed25519 over the note text, as a log signs its checkpoints.</summary>
public sealed class Ed25519NoteVerifier : INoteVerifier
{
    private readonly NSec.Cryptography.PublicKey _key;

    public Ed25519NoteVerifier(string name, ReadOnlySpan<byte> publicKey)
    {
        if (!NoteKeys.IsValidName(name)) throw new ArgumentException($"not a key name: {name}", nameof(name));
        _key = Ed25519Keys.ImportPublic(publicKey);
        Name = name;
        KeyId = NoteKeys.KeyId(name, SignatureType.Ed25519, publicKey);
    }

    public string Name { get; }

    public uint KeyId { get; }

    public bool Verify(ReadOnlySpan<byte> text, ReadOnlySpan<byte> signature) => Ed25519Keys.Verify(_key, text, signature);
}
