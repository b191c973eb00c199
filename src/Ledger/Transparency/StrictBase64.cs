namespace Ledger.Transparency;

/// <summary>
/// Standard base64 (RFC 4648 §4) in its one canonical spelling. <see cref="Convert.FromBase64String"/>
/// skips white space and accepts stray bits after the last byte; a format whose bytes are signed
/// must not let two spellings of one value through, nor hide a space inside a field.
/// </summary>
public static class StrictBase64
{
    public static bool TryDecode(ReadOnlySpan<char> text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length % 4 != 0) return false;
        foreach (var c in text)
        {
            var ok = c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '+' or '/' or '=';
            if (!ok) return false;
        }

        var buffer = new byte[text.Length / 4 * 3];
        if (!Convert.TryFromBase64Chars(text, buffer, out var written)) return false;
        var decoded = buffer.AsSpan(0, written).ToArray();

        // Re-encoding gives back the input only if padding sits at the end and the unused bits are zero.
        if (!text.SequenceEqual(Convert.ToBase64String(decoded))) return false;
        bytes = decoded;
        return true;
    }
}
