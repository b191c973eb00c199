using System.Globalization;
using NSec.Cryptography;

namespace Ledger.Transparency;

/// <summary>
/// Signs note texts with Ed25519 (type 0x01), as a log signs its checkpoints. The key is kept as its
/// 32-byte seed; <see cref="SignerKey"/> and <see cref="FromSignerKey"/> read and write the
/// <c>PRIVATE+KEY+name+hexid+base64(0x01 || seed)</c> form of golang.org/x/mod/sumdb/note.
/// </summary>
public sealed class Ed25519NoteSigner : INoteSigner, IDisposable
{
    private const string SignerKeyPrefix = "PRIVATE+KEY+";

    private readonly Key _key;

    private Ed25519NoteSigner(string name, Key key)
    {
        if (!NoteKeys.IsValidName(name)) throw new ArgumentException($"not a key name: {name}", nameof(name));
        Name = name;
        _key = key;
        VerifierKey = VerifierKey.For(name, SignatureType.Ed25519, Ed25519Keys.PublicKeyOf(key));
    }

    public string Name { get; }

    public uint KeyId => VerifierKey.KeyId;

    /// <summary>What readers configure to check this signer's notes.</summary>
    public VerifierKey VerifierKey { get; }

    public static Ed25519NoteSigner FromSeed(string name, ReadOnlySpan<byte> seed) => new(name, Ed25519Keys.FromSeed(seed));

    public static Ed25519NoteSigner Generate(string name) => new(name, Ed25519Keys.Generate());

    public static Ed25519NoteSigner FromSignerKey(string signerKey)
    {
        if (!signerKey.StartsWith(SignerKeyPrefix, StringComparison.Ordinal)) throw new FormatException("a signer key starts with PRIVATE+KEY+");
        var rest = signerKey[SignerKeyPrefix.Length..];
        var first = rest.IndexOf('+');
        var second = first < 0 ? -1 : rest.IndexOf('+', first + 1);
        if (second < 0 || !StrictBase64.TryDecode(rest.AsSpan(second + 1), out var blob) || blob.Length != 1 + Ed25519Keys.SeedSize || blob[0] != SignatureType.Ed25519)
            throw new FormatException("not an Ed25519 signer key");
        var signer = FromSeed(rest[..first], blob.AsSpan(1));
        var hex = rest[(first + 1)..second];
        if (hex.Length != 8 || !string.Equals(hex, NoteKeys.Hex(signer.KeyId), StringComparison.OrdinalIgnoreCase))
        {
            signer.Dispose();
            throw new FormatException("the signer key's ID does not match its key");
        }
        return signer;
    }

    public string SignerKey =>
        string.Create(CultureInfo.InvariantCulture, $"{SignerKeyPrefix}{Name}+{NoteKeys.Hex(KeyId)}+{Convert.ToBase64String([SignatureType.Ed25519, .. ExportSeed()])}");

    public byte[] ExportSeed() => Ed25519Keys.Seed(_key);

    public byte[] Sign(ReadOnlySpan<byte> text) => Ed25519Keys.Sign(_key, text);

    public void Dispose() => _key.Dispose();
}
