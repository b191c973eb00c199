namespace Ledger.Transparency;

/// <summary>
/// Growing a tree kept only as tiles of height 8. Every old hash an append needs sits in the old
/// tree's partial tiles (one per level at most): the left siblings along its right edge, and the
/// beginnings of the tiles the new leaves extend. Load those, append, write the tiles returned.
/// </summary>
public static class TiledTree
{
    /// <summary>The tiles to load before appending to a tree of this size: its partial tiles.</summary>
    public static IReadOnlyList<Tile> NeededToAppend(long treeSize) =>
        Tile.NewTiles(0, treeSize).Where(t => !t.IsFull).ToList();

    /// <summary>
    /// Appends the leaf hashes to the tree of <paramref name="treeSize"/> leaves whose partial tiles
    /// are loaded. Returns the tiles to write (new full tiles and the new partial ones, each whole)
    /// and the new root.
    /// </summary>
    public static TiledAppend Append(long treeSize, IReadOnlyList<Hash> leafHashes, IReadOnlyDictionary<(int Level, long N), byte[]> partialTiles)
    {
        foreach (var tile in NeededToAppend(treeSize))
            if (!partialTiles.TryGetValue((tile.Level, tile.N), out var data) || data.Length != tile.Width * Hash.Size)
                throw new ArgumentException($"append needs {tile.Path} of the old tree, {tile.Width * Hash.Size} bytes", nameof(partialTiles));

        var old = new TileHashReader(partialTiles);
        var added = StoredHashes.Append(treeSize, leafHashes, old);
        var reader = new GrownReader(old, StoredHashes.Count(treeSize), added);
        var newSize = treeSize + leafHashes.Count;
        var tiles = Tile.NewTiles(treeSize, newSize).Select(t => new TileData(t, t.ReadData(reader))).ToList();
        return new TiledAppend(newSize, StoredHashes.Root(newSize, reader), tiles);
    }

    /// <summary>Old hashes from the loaded tiles, new ones from the append's own list.</summary>
    private sealed class GrownReader(IHashReader old, long firstNew, IReadOnlyList<Hash> added) : IHashReader
    {
        public IReadOnlyList<Hash> ReadHashes(IReadOnlyList<long> indexes)
        {
            var oldIndexes = indexes.Where(i => i < firstNew).ToList();
            var oldHashes = oldIndexes.Count == 0 ? [] : old.ReadHashes(oldIndexes);
            var result = new Hash[indexes.Count];
            var o = 0;
            for (var i = 0; i < result.Length; i++)
                result[i] = indexes[i] < firstNew ? oldHashes[o++] : added[(int)(indexes[i] - firstNew)];
            return result;
        }
    }
}

/// <summary>A tile and its bytes (its hashes concatenated).</summary>
public sealed record TileData(Tile Tile, byte[] Data);

/// <summary>What an append to a tiled tree produced: the size and root it reached, and the tiles to store.</summary>
public sealed record TiledAppend(long Size, Hash Root, IReadOnlyList<TileData> Tiles);
