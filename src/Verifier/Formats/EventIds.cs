namespace LedgerVerify;

/// <summary>Event ids as the ledger writes them: a GUID, lower-case hex, hyphenated (8-4-4-4-12).</summary>
internal static class EventIds
{
    public static bool IsCanonical(string text)
    {
        if (text.Length != 36) return false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var hyphen = i is 8 or 13 or 18 or 23;
            if (hyphen ? c != '-' : !(c is >= '0' and <= '9' or >= 'a' and <= 'f')) return false;
        }
        return true;
    }
}
