using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Ledger.Transparency;

/// <summary>The signed-note signature types this code speaks (c2sp.org/signed-note).</summary>
public static class SignatureType
{
    /// <summary>Ed25519 over the note text: a log's checkpoint signature.</summary>
    public const byte Ed25519 = 0x01;

    /// <summary>Timestamped Ed25519 cosignature/v1 (c2sp.org/tlog-cosignature): a witness's.</summary>
    public const byte Cosignature = 0x04;
}

/// <summary>Key names and key IDs as signed-note defines them.</summary>
public static class NoteKeys
{
    /// <summary>
    /// Non-empty, no Unicode space, no plus (the plus separates a verifier key's parts), and nothing a
    /// note may not carry: no control character below U+0020, no lone surrogate (not UTF-8).
    /// </summary>
    public static bool IsValidName(string name) =>
        name.Length > 0 && !name.Contains('+') && NoteText.IsAllowed(name) && !name.EnumerateRunes().Any(Rune.IsWhiteSpace);

    /// <summary>SHA-256(name || 0x0A || type || public key)[:4], read big-endian.</summary>
    public static uint KeyId(string name, byte type, ReadOnlySpan<byte> publicKey)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[nameBytes.Length + 2 + publicKey.Length];
        nameBytes.CopyTo(input, 0);
        input[nameBytes.Length] = 0x0A;
        input[nameBytes.Length + 1] = type;
        publicKey.CopyTo(input.AsSpan(nameBytes.Length + 2));
        return BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(input));
    }

    public static string Hex(uint keyId) => keyId.ToString("x8", CultureInfo.InvariantCulture);
}
