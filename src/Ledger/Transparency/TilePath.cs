using System.Globalization;
using System.Text;

namespace Ledger.Transparency;

/// <summary>
/// C2SP tlog-tiles paths: <c>tile/{L}/{N}[.p/{W}]</c> and <c>tile/entries/{N}[.p/{W}]</c>, with N in
/// 3-digit groups, all but the last prefixed by <c>x</c> (1234067 → <c>x001/x234/067</c>).
/// Parsing accepts exactly the spelling <see cref="Format"/> writes, nothing else.
/// </summary>
public static class TilePath
{
    public static string Format(Tile tile)
    {
        if (tile.Level is < Tile.EntriesLevel or > Tile.MaxLevel || tile.N < 0 || tile.Width is < 1 or > Tile.FullWidth)
            throw new ArgumentOutOfRangeException(nameof(tile), $"no such tile: level {tile.Level}, N {tile.N}, width {tile.Width}");
        var path = new StringBuilder("tile/");
        path.Append(tile.IsEntries ? "entries" : tile.Level.ToString(CultureInfo.InvariantCulture)).Append('/');
        var groups = new List<long>();
        var n = tile.N;
        do
        {
            groups.Add(n % 1000);
            n /= 1000;
        } while (n > 0);
        for (var i = groups.Count - 1; i >= 0; i--)
            path.Append(i > 0 ? "x" : "").Append(groups[i].ToString("000", CultureInfo.InvariantCulture)).Append(i > 0 ? "/" : "");
        if (!tile.IsFull) path.Append(".p/").Append(tile.Width.ToString(CultureInfo.InvariantCulture));
        return path.ToString();
    }

    public static Tile Parse(string path) =>
        TryParse(path, out var tile) ? tile : throw new FormatException($"not a tile path: {path}");

    public static bool TryParse(string path, out Tile tile)
    {
        tile = default;
        var parts = path.Split('/');
        if (parts.Length < 3 || parts[0] != "tile") return false;

        int level;
        if (parts[1] == "entries") level = Tile.EntriesLevel;
        else if (!TryDecimal(parts[1], Tile.MaxLevel, out level)) return false;

        var width = Tile.FullWidth;
        var groups = parts.AsSpan(2);
        if (groups[^1].Length > 0 && groups.Length >= 2 && groups[^2].EndsWith(".p", StringComparison.Ordinal))
        {
            if (!TryDecimal(groups[^1], Tile.FullWidth - 1, out width) || width == 0) return false;
            groups = groups[..^1];
            groups[^1] = groups[^1][..^2];
        }

        // Seven groups already pass a long; the round trip below refuses x000 prefixes and other respellings.
        if (groups.Length > 7) return false;
        Int128 n = 0;
        for (var i = 0; i < groups.Length; i++)
        {
            var group = groups[i];
            var last = i == groups.Length - 1;
            if (!last && (group.Length != 4 || group[0] != 'x')) return false;
            var digits = last ? group : group[1..];
            if (digits.Length != 3 || !digits.All(char.IsAsciiDigit)) return false;
            n = n * 1000 + int.Parse(digits, CultureInfo.InvariantCulture);
        }
        if (n > long.MaxValue) return false;

        var parsed = new Tile(level, (long)n, width);
        if (Format(parsed) != path) return false;
        tile = parsed;
        return true;
    }

    /// <summary>ASCII digits, no sign, no leading zero (but "0" itself), at most <paramref name="max"/>.</summary>
    private static bool TryDecimal(string text, int max, out int value)
    {
        value = 0;
        if (text.Length == 0 || text.Length > 3 || !text.All(char.IsAsciiDigit) || (text.Length > 1 && text[0] == '0')) return false;
        value = int.Parse(text, CultureInfo.InvariantCulture);
        return value <= max;
    }
}
