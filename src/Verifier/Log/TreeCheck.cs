using System.Buffers.Binary;
using System.Security.Cryptography;

namespace LedgerVerify;

/// <summary>
/// The whole log recomputed from its tiles: every entry bundle holds valid ledger entries at
/// their positions, every level-0 tile holds exactly their leaf hashes, every higher tile exactly
/// the roots of the subtrees below it, and the root of all leaves is the checkpoint's. Level-0
/// tiles are independent, so they are checked in parallel; the few higher tiles after.
/// </summary>
internal static class TreeCheck
{
    public static async Task RunAsync(ITileSource source, long size, byte[] root, int parallelism)
    {
        var bottom = (size + TilePaths.Width - 1) / TilePaths.Width;
        var full = size / TilePaths.Width;
        // Level 1's slots: the root of each full level-0 tile (a perfect subtree of 256 leaves), 32 bytes each, one after another.
        var tileRoots = new byte[full * 32];
        byte[] lastLeaves = [];
        await Parallel.ForAsync(0L, bottom, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, async (n, _) =>
        {
            var width = TilePaths.WidthIn(0, n, size);
            var bundle = await source.TileAsync(TilePaths.Entries(n, width));
            var hashes = await source.TileAsync(TilePaths.Hashes(0, n, width));
            CheckBottom(n, width, bundle, hashes);
            // Checked: the tile is exactly the leaves' hashes.
            if (width == TilePaths.Width) PerfectRoot(hashes, tileRoots.AsSpan((int)(n * 32), 32));
            else lastLeaves = hashes;
        });

        // levels[L] holds every complete subtree of height 8·L, left to right, 32 bytes each.
        var levels = new List<byte[]> { lastLeaves, tileRoots };
        for (var level = 1; TilePaths.WidthIn(level, 0, size) > 0; level++)
        {
            var below = levels[level];
            var count = below.Length / 32;
            var next = new byte[count / TilePaths.Width * 32];
            for (long m = 0; m * TilePaths.Width < count; m++)
            {
                var width = TilePaths.WidthIn(level, m, size);
                var tile = await source.TileAsync(TilePaths.Hashes(level, m, width));
                var slots = below.AsSpan((int)(m * TilePaths.Width * 32), width * 32);
                if (!tile.AsSpan().SequenceEqual(slots))
                    throw new Invalid(TilePaths.Hashes(level, m, width), "does not hold the roots of the subtrees the tiles below make");
                if (width == TilePaths.Width) PerfectRoot(slots, next.AsSpan((int)(m * 32), 32));
            }
            levels.Add(next);
        }

        var computed = RootOf(size, levels);
        if (!computed.AsSpan().SequenceEqual(root))
            throw new Invalid("checkpoint", $"the root of the {size} entries in the tiles is {Convert.ToBase64String(computed)}, not the checkpoint's");
    }

    /// <summary>One entry bundle and its level-0 tile: each entry is checked, and the tile holds exactly their leaf hashes.</summary>
    private static void CheckBottom(long n, int width, byte[] bundle, byte[] hashes)
    {
        var bundlePath = TilePaths.Entries(n, width);
        var tilePath = TilePaths.Hashes(0, n, width);
        if (hashes.Length != width * 32) throw new Invalid(tilePath, $"{hashes.Length} bytes, not {width} hashes");
        var at = 0;
        Span<byte> leafInput = stackalloc byte[1 + 65_535];
        Span<byte> leaf = stackalloc byte[32];
        leafInput[0] = 0x00;
        for (var i = 0; i < width; i++)
        {
            if (at + 2 > bundle.Length) throw new Invalid(bundlePath, $"ends after {i} of {width} entries");
            var length = BinaryPrimitives.ReadUInt16BigEndian(bundle.AsSpan(at));
            at += 2;
            if (at + length > bundle.Length) throw new Invalid(bundlePath, $"entry {i}'s length runs past the end");
            var entry = bundle.AsSpan(at, length);
            at += length;
            var position = n * TilePaths.Width + i + 1;
            LedgerEntry parsed;
            try
            {
                parsed = LedgerEntry.Parse(entry);
            }
            catch (FormatException e)
            {
                throw new Invalid($"{bundlePath} entry {i}", e.Message);
            }
            if (parsed.Position != position) throw new Invalid($"{bundlePath} entry {i}", $"names position {parsed.Position}, not {position}");
            entry.CopyTo(leafInput[1..]);
            Hash(leafInput[..(1 + length)], leaf);
            if (!hashes.AsSpan(i * 32, 32).SequenceEqual(leaf)) throw new Invalid($"{tilePath} hash {i}", $"is not the leaf hash of entry {position - 1}");
        }
        if (at != bundle.Length) throw new Invalid(bundlePath, $"has bytes after its {width} entries");
    }

    /// <summary>The root of a perfect tree over these hashes (a power of two of them, 32 bytes each), into <paramref name="root"/>.</summary>
    private static void PerfectRoot(ReadOnlySpan<byte> hashes, Span<byte> root)
    {
        // Folded in place, a level at a time: node i of the next level overwrites slot i of this one.
        var row = hashes.Length <= 256 * 32 ? stackalloc byte[hashes.Length] : new byte[hashes.Length];
        hashes.CopyTo(row);
        Span<byte> node = stackalloc byte[65];
        node[0] = 0x01;
        for (var count = hashes.Length / 32; count > 1; count /= 2)
            for (var i = 0; i < count / 2; i++)
            {
                row.Slice(64 * i, 64).CopyTo(node[1..]);
                Hash(node, row.Slice(32 * i, 32));
            }
        row[..32].CopyTo(root);
    }

    /// <summary>
    /// SHA-256 with one hasher per thread, into the caller's span: the same function as <see cref="Merkle"/>'s,
    /// but a whole log is tens of millions of small hashes, and creating a hash context or an array for
    /// each one costs about as much as the hashing.
    /// </summary>
    private static void Hash(ReadOnlySpan<byte> data, Span<byte> into)
    {
        var sha = _sha ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(data);
        sha.TryGetHashAndReset(into, out _);
    }

    [ThreadStatic] private static IncrementalHash? _sha;

    /// <summary>
    /// RFC 6962's root of <paramref name="size"/> leaves from complete subtrees: the perfect subtrees
    /// the size's binary digits name, left to right, folded from the right. A subtree of height 8·L + r
    /// is the perfect tree over 2^r consecutive hashes of <paramref name="levels"/>[L].
    /// </summary>
    private static byte[] RootOf(long size, List<byte[]> levels)
    {
        if (size == 0) return SHA256.HashData([]);
        var parts = new List<byte[]>();
        long start = 0;
        for (var height = 62; height >= 0; height--)
        {
            if ((size & (1L << height)) == 0) continue;
            var (level, rest) = (height / 8, height % 8);
            // Level 0's list holds only the last tile's leaves: index them from that tile's start.
            var offset = level == 0 ? start % TilePaths.Width : start >> (8 * level);
            var part = new byte[32];
            PerfectRoot(levels[level].AsSpan((int)(offset * 32), 32 << rest), part);
            parts.Add(part);
            start += 1L << height;
        }
        var root = parts[^1];
        for (var i = parts.Count - 2; i >= 0; i--) root = Merkle.NodeHash(parts[i], root);
        return root;
    }
}
