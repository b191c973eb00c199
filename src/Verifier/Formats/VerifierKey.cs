using System.Globalization;

namespace LedgerVerify;

/// <summary>
/// A signed-note verifier key, <c>name+hex(key ID)+base64(type || public key)</c>. Two types are
/// spoken here, both Ed25519: 0x01, a log signing its checkpoints, and 0x04, a witness's
/// cosignature/v1. The key ID in the text must be SHA-256(name || 0x0A || type || key)[:4].
/// </summary>
internal sealed class VerifierKey
{
    public const byte LogType = 0x01;
    public const byte CosignatureType = 0x04;

    private VerifierKey(string name, byte type, byte[] publicKey)
    {
        Name = name;
        Type = type;
        PublicKey = publicKey;
        KeyId = KeyNames.KeyId(name, type, publicKey);
    }

    public string Name { get; }

    public byte Type { get; }

    public byte[] PublicKey { get; }

    public uint KeyId { get; }

    /// <summary>The key's name and ID as messages show it, <c>name+hexid</c>.</summary>
    public string Label => $"{Name}+{KeyNames.Hex(KeyId)}";

    public static VerifierKey For(string name, byte type, byte[] publicKey)
    {
        if (!KeyNames.IsValid(name)) throw new ArgumentException($"not a key name: {name}", nameof(name));
        if (type is not (LogType or CosignatureType) || publicKey.Length != Ed25519.PublicKeySize) throw new ArgumentException("an Ed25519 key of type 0x01 or 0x04", nameof(publicKey));
        return new VerifierKey(name, type, publicKey.ToArray());
    }

    /// <summary>Parses the text form; the FormatException says what is wrong with it.</summary>
    public static VerifierKey Parse(string text)
    {
        // The name may not hold '+', base64 may: split on the first two only.
        var first = text.IndexOf('+');
        var second = first < 0 ? -1 : text.IndexOf('+', first + 1);
        if (second < 0) throw new FormatException("a verifier key is name+keyid+base64(type||key)");
        var name = text[..first];
        var hex = text[(first + 1)..second];
        if (!KeyNames.IsValid(name)) throw new FormatException($"'{name}' is not a key name (non-empty, no space, no '+')");
        if (hex.Length != 8 || !hex.All(char.IsAsciiHexDigit)) throw new FormatException("the key ID is 8 hex digits");
        if (!StrictBase64.TryDecode(text[(second + 1)..], out var blob) || blob.Length == 0) throw new FormatException("the key is not canonical base64");
        if (blob[0] is not (LogType or CosignatureType))
            throw new FormatException($"signature type 0x{blob[0]:x2} is not supported here (0x01 Ed25519 log keys and 0x04 Ed25519 cosignature keys are)");
        if (blob.Length != 1 + Ed25519.PublicKeySize || !Ed25519.IsPublicKey(blob.AsSpan(1))) throw new FormatException("an Ed25519 key is 32 bytes after the type byte");
        var key = new VerifierKey(name, blob[0], blob[1..]);
        if (key.KeyId != uint.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture))
            throw new FormatException($"the key ID {hex} is not SHA-256(name || 0x0A || type || key)[:4] = {KeyNames.Hex(key.KeyId)}");
        return key;
    }

    /// <summary>Checks one signature's bytes (after the key ID) over a note text, by this key's type.</summary>
    public bool Verify(byte[] noteText, byte[] signature) => Type == LogType
        ? Ed25519.Verify(PublicKey, noteText, signature)
        : Cosignature.Verify(PublicKey, noteText, signature);

    public override string ToString() => $"{Name}+{KeyNames.Hex(KeyId)}+{Convert.ToBase64String([Type, .. PublicKey])}";
}
