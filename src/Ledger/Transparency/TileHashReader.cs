namespace Ledger.Transparency;

/// <summary>
/// Reads stored hashes out of tiles already loaded, keyed by (level, N). A hash at a level between two
/// tile levels is rebuilt from the tile below it. Any loaded width that covers the hash will do.
/// </summary>
public sealed class TileHashReader(IReadOnlyDictionary<(int Level, long N), byte[]> tiles) : IHashReader
{
    /// <summary>The tiles, at their width in a tree of <paramref name="treeSize"/>, that hold these stored hashes.</summary>
    public static IReadOnlyList<Tile> TilesFor(IEnumerable<long> storedIndexes, long treeSize)
    {
        var needed = new SortedSet<(int Level, long N)>();
        foreach (var index in storedIndexes)
        {
            var tile = Tile.ForStoredHash(index);
            if (tile.Width > Tile.WidthIn(tile.Level, tile.N, treeSize))
                throw new ArgumentOutOfRangeException(nameof(storedIndexes), $"stored hash {index} is not in a tree of {treeSize}");
            needed.Add((tile.Level, tile.N));
        }
        return needed.Select(t => new Tile(t.Level, t.N, Tile.WidthIn(t.Level, t.N, treeSize))).ToList();
    }

    public IReadOnlyList<Hash> ReadHashes(IReadOnlyList<long> indexes)
    {
        var result = new Hash[indexes.Count];
        for (var i = 0; i < result.Length; i++)
        {
            var needed = Tile.ForStoredHash(indexes[i]);
            if (!tiles.TryGetValue((needed.Level, needed.N), out var data))
                throw new KeyNotFoundException($"stored hash {indexes[i]} needs {needed.Path}, which is not loaded");
            if (data.Length % Hash.Size != 0 || data.Length / Hash.Size is 0 or > Tile.FullWidth)
                throw new InvalidOperationException($"tile {needed.Level}/{needed.N} has {data.Length} bytes");
            result[i] = Tile.HashFromTile(needed with { Width = data.Length / Hash.Size }, data, indexes[i]);
        }
        return result;
    }
}
