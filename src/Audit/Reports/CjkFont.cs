using SkiaSharp;

namespace Ledger.Audit.Reports;

/// <summary>Thrown when no font can draw Chinese: the API answers 503 with what to install.</summary>
public sealed class MissingFontException(string message) : Exception(message);

/// <summary>
/// The Simplified Chinese face for PDFs. Debian's fonts-noto-cjk ships it as face 2 of
/// NotoSansCJK-Regular.ttc (face 0 is Japanese); LEDGER_CJK_FONT=path[#face] overrides.
/// run.sh and test.sh install the package when it is missing.
/// </summary>
public static class CjkFont
{
    private static readonly Lazy<SKTypeface?> Face = new(Find);

    public static SKTypeface Typeface => Face.Value ?? throw new MissingFontException(
        "PDF rendering needs a font with Chinese glyphs: install Debian's fonts-noto-cjk (run.sh and test.sh do so when run as root) " +
        "or set LEDGER_CJK_FONT to a .ttc/.otf path (path#face for a collection)");

    public static bool Available => Face.Value is not null;

    private static SKTypeface? Find()
    {
        var configured = Environment.GetEnvironmentVariable("LEDGER_CJK_FONT");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var parts = configured.Split('#');
            return SKTypeface.FromFile(parts[0], parts.Length > 1 && int.TryParse(parts[1], out var i) ? i : 0);
        }
        (string Path, int Face)[] candidates =
        [
            ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
            ("/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf", 0),
            ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
        ];
        foreach (var (path, face) in candidates.Where(c => File.Exists(c.Path)))
            if (SKTypeface.FromFile(path, face) is { } t) return t;
        // Last resort: whatever the system matches for a Chinese character.
        var matched = SKFontManager.Default.MatchCharacter(null, SKFontStyle.Normal, ["zh-CN"], '中');
        if (matched is null) return null;
        using var font = new SKFont(matched);
        return font.ContainsGlyph('中') ? matched : null;
    }
}
