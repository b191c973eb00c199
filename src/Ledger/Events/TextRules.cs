using System.Buffers;
using System.Globalization;
using System.Text;

namespace Ledger.Events;

/// <summary>
/// The one place that decides which text the ledger takes. Identifiers (stream keys, ids, client
/// and region names) must not look like something else: no control, format (bidi, zero-width) or
/// unassigned characters, no line separators, no unpaired surrogates, no white space at either
/// end. Free text (notes, references) obeys the same character rules but may have any spacing
/// inside. Everything that takes such text from outside — events, keys, queries, imports, the
/// workbench — asks here, so a look-alike cannot slip through one path that another refuses.
/// </summary>
public static class TextRules
{
    /// <summary>Why <paramref name="s"/> cannot be an identifier or a name, or null when it can.</summary>
    public static string? IdentifierProblem(string s)
    {
        if (s.Length == 0) return "must not be empty";
        if (UnsafeCharacter(s) is { } unsafeChar) return unsafeChar;
        if (char.IsWhiteSpace(s[0]) || char.IsWhiteSpace(s[^1])) return "must not begin or end with white space";
        return null;
    }

    /// <summary>Why <paramref name="s"/> cannot be stored as free text, or null when it can.</summary>
    public static string? TextProblem(string s) => UnsafeCharacter(s);

    /// <summary>True when <paramref name="s"/> is exactly <paramref name="length"/> ASCII digits (no other script's digits, nothing after).</summary>
    public static bool IsAsciiDigits(string s, int length)
    {
        if (s.Length != length) return false;
        foreach (var c in s)
            if (c is < '0' or > '9') return false;
        return true;
    }

    /// <summary>The first character the ledger refuses in any text, described with its position and code point.</summary>
    private static string? UnsafeCharacter(string s)
    {
        var i = 0;
        while (i < s.Length)
        {
            if (Rune.DecodeFromUtf16(s.AsSpan(i), out var rune, out var used) != OperationStatus.Done)
                return $"holds an unpaired surrogate at position {i + 1}: not valid Unicode text";
            var what = Rune.GetUnicodeCategory(rune) switch
            {
                UnicodeCategory.Control => "a control character",
                UnicodeCategory.Format => "an invisible format character (bidi or zero-width)",
                UnicodeCategory.OtherNotAssigned => "an unassigned character",
                UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => "a line separator",
                _ => null,
            };
            if (what is not null) return $"must not contain {what} (U+{rune.Value:X4} at position {i + 1})";
            i += used;
        }
        return null;
    }
}
