using System.Globalization;
using System.Text;

namespace LedgerVerify;

/// <summary>
/// c2sp.org/tlog-tiles resource names: <c>tile/{L}/{N}</c> and <c>tile/entries/{N}</c>, with
/// <c>.p/{W}</c> for a partial tile of width W; N in groups of three digits, every group but the
/// last prefixed with <c>x</c> (1234067 is <c>x001/x234/067</c>).
/// </summary>
internal static class TilePaths
{
    public const int Width = 256;

    public static string Hashes(int level, long n, int width) => $"tile/{level}/{Index(n)}{Partial(width)}";

    public static string Entries(long n, int width) => $"tile/entries/{Index(n)}{Partial(width)}";

    /// <summary>How many of tile N's slots a tree of <paramref name="size"/> fills at <paramref name="level"/> (0 … 256).</summary>
    public static int WidthIn(int level, long n, long size)
    {
        var perSlot = 1L << (8 * level);
        var filled = size / perSlot - n * Width;
        return (int)Math.Clamp(filled, 0, Width);
    }

    private static string Partial(int width) => width == Width ? "" : $".p/{width}";

    private static string Index(long n)
    {
        var digits = n.ToString(CultureInfo.InvariantCulture);
        digits = digits.PadLeft((digits.Length + 2) / 3 * 3, '0');
        var path = new StringBuilder();
        for (var i = 0; i < digits.Length; i += 3)
        {
            if (i > 0) path.Append('/');
            if (i + 3 < digits.Length) path.Append('x');
            path.Append(digits, i, 3);
        }
        return path.ToString();
    }
}
