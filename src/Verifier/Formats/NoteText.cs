using System.Text;

namespace LedgerVerify;

/// <summary>The character rules of c2sp.org/signed-note: valid UTF-8, no ASCII control character but newline.</summary>
internal static class NoteText
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Decodes UTF-8, refusing invalid sequences instead of replacing them.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, out string text)
    {
        try
        {
            text = Strict.GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = "";
            return false;
        }
    }

    /// <summary>Encodes UTF-8, refusing lone surrogates (a JSON string can hold one; UTF-8 cannot).</summary>
    public static bool TryEncode(string text, out byte[] bytes)
    {
        try
        {
            bytes = Strict.GetBytes(text);
            return true;
        }
        catch (EncoderFallbackException)
        {
            bytes = [];
            return false;
        }
    }

    public static byte[] Encode(string text) => Strict.GetBytes(text);

    /// <summary>True when no character below U+0020 other than newline occurs.</summary>
    public static bool HasNoControlCharacters(string text)
    {
        foreach (var c in text)
            if (c < 0x20 && c != '\n') return false;
        return true;
    }
}
