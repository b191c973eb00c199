using Ledger.Transparency;
using Shouldly;

namespace Ledger.Tests.Transparency;

public sealed class TileTests
{
    [Fact]
    public void a_tree_of_70000_leaves_has_the_tiles_the_spec_lists()
    {
        // tlog-tiles: 273 full level-0 tiles, a level-0 partial of 112, one full level-1 tile,
        // a level-1 partial of 17 and a level-2 partial of 1.
        var tiles = Tile.NewTiles(0, 70_000);
        tiles.Count(t => t.Level == 0 && t.IsFull).ShouldBe(273);
        tiles.Single(t => t.Level == 0 && !t.IsFull).ShouldBe(new Tile(0, 273, 112));
        tiles.Count(t => t.Level == 1 && t.IsFull).ShouldBe(1);
        tiles.Single(t => t.Level == 1 && !t.IsFull).ShouldBe(new Tile(1, 1, 17));
        tiles.Single(t => t.Level == 2).ShouldBe(new Tile(2, 0, 1));
        tiles.Count.ShouldBe(273 + 1 + 1 + 1 + 1);

        Tile.NewTiles(0, 256).ShouldBe([new Tile(0, 0, 256), new Tile(1, 0, 1)]);
        Tile.NewTiles(0, 0).ShouldBeEmpty();
        Tile.NewTiles(300, 300).ShouldBeEmpty();
        Tile.NewTiles(256, 257).ShouldBe([new Tile(0, 1, 1)]);
        Tile.NewTiles(255, 256).ShouldBe([new Tile(0, 0, 256), new Tile(1, 0, 1)]);
    }

    [Fact]
    public void the_highest_tiles_of_the_largest_trees_stop_at_level_7()
    {
        // A long's shift count wraps at 64; level 8 would be hash level 64, which no tree reaches.
        // Leaf 2^56 - 1 completes a full tile at every level 0…6 and starts level 7.
        Tile.NewTiles((1L << 56) - 1, 1L << 56).ShouldBe(
        [
            new Tile(0, (1L << 48) - 1, 256), new Tile(1, (1L << 40) - 1, 256), new Tile(2, (1L << 32) - 1, 256),
            new Tile(3, (1L << 24) - 1, 256), new Tile(4, (1L << 16) - 1, 256), new Tile(5, 255, 256),
            new Tile(6, 0, 256), new Tile(7, 0, 1),
        ]);
        Tile.WidthIn(7, 0, long.MaxValue).ShouldBe(127);
        Tile.WidthIn(8, 0, long.MaxValue).ShouldBe(0);
        Tile.WidthIn(0, 3, 1000).ShouldBe(232);
        Tile.WidthIn(0, 4, 1000).ShouldBe(0);
        new Tile(2, 3, 256).StartLeaf.ShouldBe(3L << 24);
        new Tile(7, 0, 1).StartLeaf.ShouldBe(0);
        Tile.Entries(5, 1).StartLeaf.ShouldBe(5 * 256);
        Should.Throw<OverflowException>(() => new Tile(7, 1, 1).StartLeaf);
    }

    [Fact]
    public void each_hash_of_a_tile_is_the_root_of_its_span_of_leaves()
    {
        // tlog-tiles: hash i of tile n at level l is MTH(D[(n·256 + i)·256^l : (n·256 + i + 1)·256^l]).
        var leaves = Vectors.NumberedLeafHashes(70_000);
        var storage = StoredTree.Grow(leaves);
        var naive = new NaiveMerkle(leaves);
        foreach (var tile in Tile.NewTiles(0, 70_000).Where(t => t.Level > 0 || t.N % 50 == 0))
        {
            var data = tile.ReadData(storage);
            data.Length.ShouldBe(tile.Width * Hash.Size);
            var span = 1 << (8 * tile.Level);
            for (var i = 0; i < tile.Width; i++)
            {
                var first = (int)((tile.N * 256 + i) * span);
                Hash.FromBytes(data.AsSpan(i * Hash.Size, Hash.Size)).ShouldBe(naive.Mth(first, first + span), $"{tile.Path} #{i}");
            }
        }
    }

    [Fact]
    public void every_stored_hash_reads_back_from_the_tile_that_claims_it()
    {
        const int size = 5000;
        var stored = StoredTree.GrowList(Vectors.NumberedLeafHashes(size), [size]);
        var reader = new HashList(stored);
        var tiles = Tile.NewTiles(0, size).ToDictionary(t => (t.Level, t.N), t => t.ReadData(reader));
        for (var index = 0L; index < stored.Count; index++)
        {
            var tile = Tile.ForStoredHash(index);
            var data = tiles[(tile.Level, tile.N)];
            Tile.HashFromTile(tile with { Width = data.Length / Hash.Size }, data, index).ShouldBe(stored[(int)index], $"index {index}");
        }
        new TileHashReader(tiles).ReadHashes([0, 1, 2, 510, 511, (long)stored.Count - 1]).ShouldBe([stored[0], stored[1], stored[2], stored[510], stored[511], stored[^1]]);
    }

    [Fact]
    public void a_hash_is_not_read_from_a_tile_that_does_not_hold_it()
    {
        var stored = StoredTree.GrowList(Vectors.NumberedLeafHashes(600), [600]);
        var reader = new HashList(stored);
        var tile0 = new Tile(0, 0, 256);
        var data = tile0.ReadData(reader);
        var leaf300 = StoredHashes.Index(0, 300);
        Should.Throw<ArgumentException>(() => Tile.HashFromTile(tile0, data, leaf300));
        var narrow = new Tile(0, 0, 10);
        Should.Throw<ArgumentException>(() => Tile.HashFromTile(narrow, data.AsSpan(0, 10 * Hash.Size), StoredHashes.Index(0, 20)));
        Should.Throw<KeyNotFoundException>(() => new TileHashReader(new Dictionary<(int, long), byte[]> { [(0, 0)] = data }).ReadHashes([leaf300]));
    }

    [Fact]
    public void a_tiled_tree_grown_in_random_batches_keeps_the_tiles_and_root_of_the_full_storage()
    {
        var random = new Random(8);
        const int max = 70_000;
        var leaves = Vectors.NumberedLeafHashes(max);
        var reference = new HashList(StoredTree.GrowList(leaves, [max]));
        var naive = new NaiveMerkle(leaves);
        var tiles = new Dictionary<(int Level, long N), byte[]>();
        var size = 0L;
        while (size < max)
        {
            var batch = (int)Math.Min(max - size, random.Next(0, 4) == 0 ? random.Next(1, 5) : random.Next(1, 2000));
            var partial = TiledTree.NeededToAppend(size).ToDictionary(t => (t.Level, t.N), t => tiles[(t.Level, t.N)]);
            var grown = TiledTree.Append(size, leaves.GetRange((int)size, batch), partial);
            size += batch;
            grown.Size.ShouldBe(size);
            grown.Root.ShouldBe(naive.Mth(0, (int)size), $"root of {size}");
            grown.Tiles.Select(t => t.Tile).ShouldBe(Tile.NewTiles(size - batch, size));
            foreach (var written in grown.Tiles)
            {
                written.Data.ShouldBe(written.Tile.ReadData(reference), written.Tile.Path);
                tiles[(written.Tile.Level, written.Tile.N)] = written.Data;
            }
        }
        tiles.Count.ShouldBe(Tile.NewTiles(0, max).Count);
    }

    [Fact]
    public void appending_without_the_old_partial_tiles_is_refused()
    {
        var leaves = Vectors.NumberedLeafHashes(300);
        var first = TiledTree.Append(0, leaves.GetRange(0, 300), new Dictionary<(int, long), byte[]>());
        Should.Throw<ArgumentException>(() => TiledTree.Append(300, leaves.GetRange(0, 1), new Dictionary<(int, long), byte[]>()));
        var level0 = first.Tiles.Single(t => t.Tile == new Tile(0, 1, 44));
        var level1 = first.Tiles.Single(t => t.Tile == new Tile(1, 0, 1));
        var stale = new Dictionary<(int, long), byte[]> { [(0, 1)] = level0.Data[..(43 * Hash.Size)], [(1, 0)] = level1.Data };
        Should.Throw<ArgumentException>(() => TiledTree.Append(300, leaves.GetRange(0, 1), stale));
    }

    [Fact]
    public void proofs_read_from_the_tiles_of_a_checkpointed_size_equal_those_from_storage()
    {
        var leaves = Vectors.NumberedLeafHashes(3000);
        var storage = StoredTree.Grow(leaves);
        var random = new Random(3);
        for (var trial = 0; trial < 50; trial++)
        {
            var size = random.Next(1, 3001);
            var index = random.Next(0, size);
            var needed = InclusionProof.Needed(index, size).Concat(ConsistencyProof.Needed(Math.Max(1, index), size));
            var tiles = TileHashReader.TilesFor(needed, size).ToDictionary(t => (t.Level, t.N), t => t.ReadData(storage));
            var fromTiles = new TileHashReader(tiles);
            InclusionProof.Build(index, size, fromTiles).ShouldBe(InclusionProof.Build(index, size, storage));
            ConsistencyProof.Build(Math.Max(1, index), size, fromTiles).ShouldBe(ConsistencyProof.Build(Math.Max(1, index), size, storage));
        }
    }

    [Fact]
    public void an_entry_is_found_by_walking_the_lengths_and_a_prefix_of_a_bundle_is_the_bundle_of_its_first_entries()
    {
        var entries = Enumerable.Range(0, 5).Select(i => System.Text.Encoding.ASCII.GetBytes(new string('a', i * 3 + 1))).ToList();
        var bundle = EntryBundle.Encode(entries);
        for (var i = 0; i < entries.Count; i++) EntryBundle.EntryAt(bundle, i).ShouldBe(entries[i]);
        EntryBundle.PrefixLength(bundle, 0).ShouldBe(0);
        EntryBundle.PrefixLength(bundle, 5).ShouldBe(bundle.Length);
        bundle[..EntryBundle.PrefixLength(bundle, 3)].ShouldBe(EntryBundle.Encode(entries.Take(3).ToList()));

        EntryBundle.PrefixLength(bundle, 6).ShouldBe(-1); // fewer entries than asked
        EntryBundle.PrefixLength(bundle[..^1], 5).ShouldBe(-1); // the last length runs past the end
        Should.Throw<FormatException>(() => EntryBundle.EntryAt(bundle, 5));
        Should.Throw<FormatException>(() => EntryBundle.EntryAt(bundle[..^1], 4));
    }
}
