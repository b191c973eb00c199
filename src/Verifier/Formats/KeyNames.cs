using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace LedgerVerify;

/// <summary>Key names and key IDs as c2sp.org/signed-note defines them.</summary>
internal static class KeyNames
{
    /// <summary>
    /// Non-empty, no Unicode space, no plus (it separates a verifier key's parts), and nothing a note
    /// line may not carry: no control character, no lone surrogate.
    /// </summary>
    public static bool IsValid(string name)
    {
        if (name.Length == 0 || name.Contains('+') || !NoteText.HasNoControlCharacters(name) || name.Contains('\n')) return false;
        if (!NoteText.TryEncode(name, out _)) return false;
        foreach (var rune in name.EnumerateRunes())
            if (Rune.IsWhiteSpace(rune)) return false;
        return true;
    }

    /// <summary>SHA-256(name || 0x0A || type || public key)[:4], read big-endian.</summary>
    public static uint KeyId(string name, byte type, ReadOnlySpan<byte> publicKey)
    {
        var nameBytes = NoteText.Encode(name);
        var input = new byte[nameBytes.Length + 2 + publicKey.Length];
        nameBytes.CopyTo(input, 0);
        input[nameBytes.Length] = 0x0A;
        input[nameBytes.Length + 1] = type;
        publicKey.CopyTo(input.AsSpan(nameBytes.Length + 2));
        return BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(input));
    }

    public static string Hex(uint keyId) => keyId.ToString("x8", CultureInfo.InvariantCulture);
}
