namespace Ledger.Transparency;

/// <summary>
/// A C2SP tlog-tiles tile of height 8: <see cref="Width"/> consecutive hashes at tree level 8·L,
/// starting with the <c>256·N</c>-th. Level -1 is the entry bundle beside level-0 tile N.
/// A full tile is 256 wide; a partial one (1–255) is what the right edge of a checkpointed tree needs.
/// </summary>
public readonly record struct Tile(int Level, long N, int Width)
{
    public const int Height = 8;
    public const int FullWidth = 1 << Height;
    public const int EntriesLevel = -1;
    public const int MaxLevel = 63;

    public bool IsEntries => Level == EntriesLevel;

    public bool IsFull => Width == FullWidth;

    /// <summary>The first leaf under this tile: N·256^(L+1) (an entry bundle counts as level 0).</summary>
    public long StartLeaf
    {
        get
        {
            var start = N;
            for (var l = Math.Max(Level, 0); l >= 0 && start != 0; l--) start = checked(start * FullWidth);
            return start;
        }
    }

    public static Tile Entries(long n, int width) => new(EntriesLevel, n, width);

    /// <summary>The entry bundle holding the entries whose hashes this level-0 tile lists.</summary>
    public Tile EntriesBeside() => Level == 0 ? this with { Level = EntriesLevel } : throw new InvalidOperationException("only level-0 tiles have entry bundles");

    public string Path => TilePath.Format(this);

    // Not the generated record ToString: it would print Path, which throws for a tile that cannot exist.
    public override string ToString() => $"Tile {{ Level = {Level}, N = {N}, Width = {Width} }}";

    /// <summary>
    /// The tiles a tree of <paramref name="newSize"/> leaves serves that one of <paramref name="oldSize"/>
    /// did not: new full tiles and the partial tile at each level's right edge. From 0: every tile.
    /// Entry bundles follow the level-0 tiles one for one.
    /// </summary>
    public static IReadOnlyList<Tile> NewTiles(long oldSize, long newSize)
    {
        if (oldSize < 0 || oldSize > newSize) throw new ArgumentOutOfRangeException(nameof(oldSize));
        var tiles = new List<Tile>();
        for (var level = 0; level <= MaxLevel && HashesAt(level, newSize) > 0; level++)
        {
            var oldCount = HashesAt(level, oldSize);
            var newCount = HashesAt(level, newSize);
            if (oldCount == newCount) continue;
            for (var n = oldCount >> Height; n < newCount >> Height; n++) tiles.Add(new Tile(level, n, FullWidth));
            var width = (int)(newCount & (FullWidth - 1));
            if (width > 0) tiles.Add(new Tile(level, newCount >> Height, width));
        }
        return tiles;
    }

    /// <summary>
    /// The narrowest tile from which the hash at this storage index can be read: the tile holding it,
    /// or, for a hash at a level between two tile levels, the tile whose hashes it is made of.
    /// </summary>
    public static Tile ForStoredHash(long storedIndex)
    {
        var (level, n) = StoredHashes.Split(storedIndex);
        var tileLevel = level / Height;
        var within = level - tileLevel * Height;
        var tileN = (n << within) >> Height;
        var offset = n - ((tileN << Height) >> within);
        return new Tile(tileLevel, tileN, (int)((offset + 1) << within));
    }

    /// <summary>The stored hash at this index, from the data of its tile (or a wider tile of the same L and N).</summary>
    public static Hash HashFromTile(Tile tile, ReadOnlySpan<byte> data, long storedIndex)
    {
        var level = StoredHashes.Split(storedIndex).Level;
        var needed = ForStoredHash(storedIndex);
        if (tile.IsEntries || needed.Level != tile.Level || needed.N != tile.N || needed.Width > tile.Width)
            throw new ArgumentException($"stored hash {storedIndex} is in {needed.Path}, not {tile.Path}");
        if (data.Length != tile.Width * Hash.Size) throw new ArgumentException($"{tile.Path} holds {tile.Width * Hash.Size} bytes, not {data.Length}");

        // The hash is the root over 2^within consecutive tile hashes ending where the needed width ends.
        var within = level - tile.Level * Height;
        var first = needed.Width - (1 << within);
        var leaves = new Hash[1 << within];
        for (var i = 0; i < leaves.Length; i++) leaves[i] = Hash.FromBytes(data.Slice((first + i) * Hash.Size, Hash.Size));
        return MerkleTree.RootOf(leaves);
    }

    /// <summary>The storage indexes of the hashes this tile lists, in order.</summary>
    public IReadOnlyList<long> StoredIndexes()
    {
        if (IsEntries) throw new InvalidOperationException("an entry bundle holds entries, not hashes");
        var start = N << Height;
        var tile = this;
        return Enumerable.Range(0, Width).Select(i => StoredHashes.Index(tile.Level * Height, start + i)).ToList();
    }

    /// <summary>The tile's bytes: its hashes concatenated.</summary>
    public byte[] ReadData(IHashReader reader)
    {
        var hashes = reader.ReadHashes(StoredIndexes());
        var data = new byte[Width * Hash.Size];
        for (var i = 0; i < Width; i++) hashes[i].Bytes.CopyTo(data.AsSpan(i * Hash.Size));
        return data;
    }

    /// <summary>How wide the tile (L, N) is in a tree of this size: 0 if it does not exist yet.</summary>
    public static int WidthIn(int level, long n, long treeSize)
    {
        var count = HashesAt(Math.Max(level, 0), treeSize);
        var beyond = count - (n << Height);
        return beyond <= 0 ? 0 : (int)Math.Min(beyond, FullWidth);
    }

    /// <summary>
    /// How many hashes tile level L holds in a tree of this size: size / 256^L. Spelled out because C#
    /// takes a long's shift count mod 64, and from level 8 on the answer is simply 0.
    /// </summary>
    private static long HashesAt(int level, long treeSize) => Height * level >= 63 ? 0 : treeSize >> (Height * level);
}
