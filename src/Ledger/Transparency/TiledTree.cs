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
    /// <remarks>
    /// Tiles are contiguous, so no stored-hash index is needed: level 0's tiles are the old partial
    /// tile's hashes followed by the new leaves, cut every 256; each tile this fills adds its root
    /// as a hash at the level above, and so on up. The root comes from the partial tiles alone
    /// (<see cref="RootOfPartials"/>). This runs under the chain's lock in every ingest batch.
    /// </remarks>
    public static TiledAppend Append(long treeSize, IReadOnlyList<Hash> leafHashes, IReadOnlyDictionary<(int Level, long N), byte[]> partialTiles)
    {
        foreach (var tile in NeededToAppend(treeSize))
            if (!partialTiles.TryGetValue((tile.Level, tile.N), out var data) || data.Length != tile.Width * Hash.Size)
                throw new ArgumentException($"append needs {tile.Path} of the old tree, {tile.Width * Hash.Size} bytes", nameof(partialTiles));

        var newSize = treeSize + leafHashes.Count;
        var written = new List<TileData>();
        var partials = new List<byte[]>();
        var incoming = new byte[leafHashes.Count * Hash.Size];
        for (var i = 0; i < leafHashes.Count; i++) leafHashes[i].Bytes.CopyTo(incoming.AsSpan(i * Hash.Size));
        for (var level = 0; level <= Tile.MaxLevel && Tile.WidthIn(level, 0, newSize) > 0; level++)
        {
            var oldCount = Count(level, treeSize);
            var first = oldCount >> Tile.Height;
            var oldWidth = (int)(oldCount & (Tile.FullWidth - 1));
            var old = oldWidth > 0 ? partialTiles[(level, first)] : [];
            if (incoming.Length == 0)
            {
                partials.Add(old);
                continue;
            }
            var row = new byte[old.Length + incoming.Length];
            old.CopyTo(row, 0);
            incoming.CopyTo(row, old.Length);
            var roots = new List<byte[]>();
            var tileBytes = Tile.FullWidth * Hash.Size;
            byte[] partial = [];
            for (var (n, at) = (first, 0); at < row.Length; n++, at += tileBytes)
            {
                var data = row[at..Math.Min(row.Length, at + tileBytes)];
                written.Add(new TileData(new Tile(level, n, data.Length / Hash.Size), data));
                if (data.Length == tileBytes) roots.Add(PerfectRoot(data).ToArray());
                else partial = data;
            }
            partials.Add(partial);
            incoming = roots.SelectMany(r => r).ToArray();
        }
        return new TiledAppend(newSize, RootOfPartials(partials), written);
    }

    /// <summary>
    /// RFC 6962's root from the partial tiles alone. A tree of N leaves is the perfect subtrees N's
    /// binary digits name, left to right; digit 8·L + r is bit r of level L's partial width, and that
    /// subtree is the perfect tree over 2^r consecutive hashes of level L's partial tile. The
    /// subtrees are folded from the right.
    /// </summary>
    private static Hash RootOfPartials(IReadOnlyList<byte[]> partials)
    {
        var parts = new List<Hash>();
        for (var level = partials.Count - 1; level >= 0; level--)
        {
            var hashes = partials[level];
            var at = 0;
            for (var r = Tile.Height - 1; r >= 0; r--)
            {
                var span = (1 << r) * Hash.Size;
                if ((hashes.Length / Hash.Size & (1 << r)) == 0) continue;
                parts.Add(PerfectRoot(hashes.AsSpan(at, span)));
                at += span;
            }
        }
        if (parts.Count == 0) return MerkleTree.EmptyRoot;
        var root = parts[^1];
        for (var i = parts.Count - 2; i >= 0; i--) root = MerkleTree.NodeHash(parts[i], root);
        return root;
    }

    /// <summary>The root of the perfect tree over these concatenated hashes (a power of two of them).</summary>
    private static Hash PerfectRoot(ReadOnlySpan<byte> hashes)
    {
        var row = hashes.ToArray();
        Span<byte> node = stackalloc byte[1 + 2 * Hash.Size];
        node[0] = 0x01;
        for (var count = row.Length / Hash.Size; count > 1; count /= 2)
            for (var i = 0; i < count / 2; i++)
            {
                row.AsSpan(2 * i * Hash.Size, 2 * Hash.Size).CopyTo(node[1..]);
                Hash.Sha256(node, row.AsSpan(i * Hash.Size, Hash.Size));
            }
        return Hash.FromBytes(row.AsSpan(0, Hash.Size));
    }

    /// <summary>How many complete subtrees of 256^level leaves a tree of this size has: the hashes stored at that tile level.</summary>
    private static long Count(int level, long treeSize) => Tile.Height * level >= 63 ? 0 : treeSize >> (Tile.Height * level);
}

/// <summary>A tile and its bytes (its hashes concatenated).</summary>
public sealed record TileData(Tile Tile, byte[] Data);

/// <summary>What an append to a tiled tree produced: the size and root it reached, and the tiles to store.</summary>
public sealed record TiledAppend(long Size, Hash Root, IReadOnlyList<TileData> Tiles);
