using System.Globalization;

namespace Ledger.Transparency;

/// <summary>
/// A signed-note verifier key, <c>name+hex(key ID)+base64(type || public key)</c>, for the two
/// Ed25519 types: 0x01 (a log's key) and 0x04 (a witness's cosignature key). The key ID must be the
/// one both types define, SHA-256(name || 0x0A || type || key)[:4].
/// </summary>
public sealed class VerifierKey
{
    private readonly byte[] _publicKey;

    private VerifierKey(string name, byte type, byte[] publicKey)
    {
        Name = name;
        Type = type;
        _publicKey = publicKey;
        KeyId = NoteKeys.KeyId(name, type, publicKey);
    }

    public string Name { get; }

    public byte Type { get; }

    public uint KeyId { get; }

    public ReadOnlySpan<byte> PublicKey => _publicKey;

    public static VerifierKey For(string name, byte type, ReadOnlySpan<byte> publicKey)
    {
        if (!NoteKeys.IsValidName(name)) throw new ArgumentException($"not a key name: {name}", nameof(name));
        if (type is not (SignatureType.Ed25519 or SignatureType.Cosignature)) throw new ArgumentException($"signature type 0x{type:x2} is not supported", nameof(type));
        if (publicKey.Length != Ed25519Keys.PublicKeySize) throw new ArgumentException("an Ed25519 public key is 32 bytes", nameof(publicKey));
        return new VerifierKey(name, type, publicKey.ToArray());
    }

    public static VerifierKey Parse(string text) =>
        TryParse(text, out var key) ? key : throw new FormatException($"not a verifier key: {text}");

    public static bool TryParse(string text, out VerifierKey key)
    {
        key = null!;
        // Split on the first two plus signs only: base64 has its own.
        var first = text.IndexOf('+');
        var second = first < 0 ? -1 : text.IndexOf('+', first + 1);
        if (second < 0) return false;
        var name = text[..first];
        var hex = text[(first + 1)..second];
        if (!NoteKeys.IsValidName(name) || hex.Length != 8 || !hex.All(char.IsAsciiHexDigit)) return false;
        if (!StrictBase64.TryDecode(text.AsSpan(second + 1), out var blob) || blob.Length != 1 + Ed25519Keys.PublicKeySize) return false;
        if (blob[0] is not (SignatureType.Ed25519 or SignatureType.Cosignature)) return false;

        var parsed = new VerifierKey(name, blob[0], blob[1..]);
        if (parsed.KeyId != uint.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture)) return false;
        key = parsed;
        return true;
    }

    /// <summary>The verifier for this key's type: note signatures for 0x01, cosignatures for 0x04.</summary>
    public INoteVerifier ToVerifier() => Type == SignatureType.Ed25519
        ? new Ed25519NoteVerifier(Name, _publicKey)
        : new CosignatureVerifier(Name, _publicKey);

    public override string ToString() =>
        $"{Name}+{NoteKeys.Hex(KeyId)}+{Convert.ToBase64String([Type, .. _publicKey])}";
}
