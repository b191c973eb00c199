using System.Buffers;
using System.Buffers.Text;

namespace LedgerVerify;

/// <summary>
/// Standard base64 (RFC 4648 §4) with padding, in its one canonical spelling. .NET's own decoder
/// skips white space and ignores stray bits after the last byte; a signed format must not let two
/// spellings of one value through.
/// </summary>
internal static class StrictBase64
{
    public static bool TryDecode(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length % 4 != 0) return false;
        foreach (var c in text)
            if (!(c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '+' or '/' or '=')) return false;
        byte[] decoded;
        try
        {
            decoded = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            return false;
        }
        // Encoding back gives the same text only when padding is at the end and unused bits are zero.
        if (Convert.ToBase64String(decoded) != text) return false;
        bytes = decoded;
        return true;
    }

    /// <summary>
    /// A SHA-256 hash from ASCII bytes, held to the same canonical spelling: 44 characters of the
    /// alphabet ending in one '=', and encoding the 32 bytes back gives the same characters.
    /// </summary>
    public static bool TryDecodeHash(ReadOnlySpan<byte> text, out byte[] hash)
    {
        hash = [];
        if (text.Length != 44 || text[43] != (byte)'=') return false;
        foreach (var c in text[..43])
            if (!(c is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9' or (byte)'+' or (byte)'/'))
                return false;
        var decoded = new byte[32];
        if (Base64.DecodeFromUtf8(text, decoded, out _, out var written) != OperationStatus.Done || written != 32) return false;
        Span<byte> again = stackalloc byte[44];
        if (Base64.EncodeToUtf8(decoded, again, out _, out _) != OperationStatus.Done || !again.SequenceEqual(text)) return false;
        hash = decoded;
        return true;
    }

    /// <summary>A SHA-256 hash: exactly 32 bytes.</summary>
    public static bool TryDecodeHash(string text, out byte[] hash) => TryDecode(text, out hash) && hash.Length == 32;
}
