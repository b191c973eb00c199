using System.Globalization;

namespace LedgerVerify;

/// <summary>
/// Sizes and indexes as the C2SP formats spell them: ASCII digits only, no sign, no leading zero
/// (except "0" itself). Values past 2^63 − 1 are refused: no log of this ledger gets near them.
/// </summary>
internal static class DecimalText
{
    public static bool TryParse(string text, out long value)
    {
        value = 0;
        if (text.Length is 0 or > 19) return false;
        if (text.Length > 1 && text[0] == '0') return false;
        foreach (var c in text)
            if (c is < '0' or > '9') return false;
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>The same, on ASCII bytes (a log entry's line, read without making a string of it).</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        if (text.Length is 0 or > 19) return false;
        if (text.Length > 1 && text[0] == '0') return false;
        foreach (var c in text)
            if (c is < (byte)'0' or > (byte)'9') return false;
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    public static string Of(long value) => value.ToString(CultureInfo.InvariantCulture);
}
