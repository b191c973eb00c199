namespace Ledger.Transparency;

/// <summary>A key that checks note signatures: the (name, key ID) pair says which signature lines are its.</summary>
public interface INoteVerifier
{
    string Name { get; }

    uint KeyId { get; }

    /// <summary>Whether the signature bytes (after the 4-byte key ID) sign this note text.</summary>
    bool Verify(ReadOnlySpan<byte> text, ReadOnlySpan<byte> signature);
}

/// <summary>A key that signs note texts.</summary>
public interface INoteSigner
{
    string Name { get; }

    uint KeyId { get; }

    /// <summary>The signature bytes over the note text, without the key ID.</summary>
    byte[] Sign(ReadOnlySpan<byte> text);
}
