using System.Text;

namespace Ledger.Transparency;

/// <summary>The character rules every signed note and its parts follow: valid UTF-8, no ASCII control but newline.</summary>
public static class NoteText
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>True when the text has no control character below U+0020 other than newline and no lone surrogate.</summary>
    public static bool IsAllowed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c < 0x20 && c != '\n') return false;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else if (char.IsSurrogate(c)) return false;
        }
        return true;
    }

    /// <summary>Decodes UTF-8, refusing any invalid sequence rather than replacing it.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> utf8, out string text)
    {
        try
        {
            text = Strict.GetString(utf8);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = "";
            return false;
        }
    }

    public static byte[] Encode(string text) => Strict.GetBytes(text);
}
