namespace LedgerVerify;

/// <summary>Event ids as the ledger writes them: a GUID, lower-case hex, hyphenated (8-4-4-4-12).</summary>
internal static class EventIds
{
    public static bool IsCanonical(string text)
    {
        if (text.Length != 36) return false;
        for (var i = 0; i < text.Length; i++)
            if (!Fits(i, text[i])) return false;
        return true;
    }

    /// <summary>The same, on ASCII bytes.</summary>
    public static bool IsCanonical(ReadOnlySpan<byte> text)
    {
        if (text.Length != 36) return false;
        for (var i = 0; i < text.Length; i++)
            if (!Fits(i, (char)text[i])) return false;
        return true;
    }

    private static bool Fits(int i, char c) =>
        i is 8 or 13 or 18 or 23 ? c == '-' : c is >= '0' and <= '9' or >= 'a' and <= 'f';
}
