using System.Numerics;

namespace Ledger.Transparency;

/// <summary>
/// Where each hash of a growing tree is stored, in the dense order of golang.org/x/mod/sumdb/tlog
/// (Crosby and Wallach §3.3): leaf n's hash, then the hashes of the perfect subtrees leaf n
/// completes, one level up at a time. Appending never moves an earlier hash, so storage is append-only.
/// </summary>
public static class StoredHashes
{
    /// <summary>The storage index of the hash at (level, n): the n-th perfect subtree of 2^level leaves.</summary>
    public static long Index(int level, long n)
    {
        if (level is < 0 or > 62 || n < 0) throw new ArgumentOutOfRangeException(nameof(level), $"no stored hash at level {level}, n {n}");
        // Level l's n-th hash is written right after level l-1's (2n+1)-th: walk down to level 0.
        for (var l = level; l > 0; l--) n = checked(2 * n + 1);
        // Level 0's n-th hash comes after n + n/2 + n/4 + … hashes.
        var index = 0L;
        for (; n > 0; n >>= 1) index += n;
        return index + level;
    }

    /// <summary>The inverse of <see cref="Index"/>.</summary>
    public static (int Level, long N) Split(long index)
    {
        if (index < 0) throw new ArgumentOutOfRangeException(nameof(index));
        // Index(0, n) lies in [n, 2n], so the leaf whose write stored this index is at most index/2 + 63 away.
        var n = index / 2;
        var indexOfLeaf = Index(0, n);
        while (true)
        {
            var next = indexOfLeaf + 1 + BitOperations.TrailingZeroCount(n + 1);
            if (next > index) break;
            n++;
            indexOfLeaf = next;
        }
        var level = (int)(index - indexOfLeaf);
        return (level, n >> level);
    }

    /// <summary>How many hashes a tree of <paramref name="treeSize"/> leaves stores.</summary>
    public static long Count(long treeSize)
    {
        if (treeSize < 0) throw new ArgumentOutOfRangeException(nameof(treeSize));
        if (treeSize == 0) return 0;
        return Index(0, treeSize - 1) + 1 + BitOperations.TrailingZeroCount(~(ulong)(treeSize - 1));
    }

    /// <summary>The already stored hashes that <see cref="Append"/> will read, sorted: fetch these, then call it.</summary>
    public static IReadOnlyList<long> NeededToAppend(long treeSize, int count)
    {
        var stored = Count(treeSize);
        var needed = new SortedSet<long>();
        for (var n = treeSize; n < treeSize + count; n++)
            for (var level = 0; level < BitOperations.TrailingZeroCount(n + 1); level++)
            {
                var index = Index(level, (n >> level) - 1);
                if (index < stored) needed.Add(index);
            }
        return needed.ToList();
    }

    /// <summary>
    /// The hashes to store, from index <c>Count(treeSize)</c> on, when these leaves are appended to a
    /// tree of <paramref name="treeSize"/> leaves. Reads what it needs of the old tree in one call.
    /// </summary>
    public static IReadOnlyList<Hash> Append(long treeSize, IReadOnlyList<Hash> leafHashes, IHashReader reader)
    {
        var stored = Count(treeSize);
        var needed = NeededToAppend(treeSize, leafHashes.Count);
        var old = needed.Count == 0 ? [] : reader.ReadHashes(needed);
        if (old.Count != needed.Count) throw new InvalidOperationException($"asked for {needed.Count} stored hashes, got {old.Count}");
        var oldByIndex = new Dictionary<long, Hash>(needed.Count);
        for (var i = 0; i < needed.Count; i++) oldByIndex[needed[i]] = old[i];

        var added = new List<Hash>(2 * leafHashes.Count + 64);
        for (var j = 0; j < leafHashes.Count; j++)
        {
            var n = treeSize + j;
            var hash = leafHashes[j];
            added.Add(hash);
            // Each trailing one bit of n is a perfect subtree closed by this leaf; its left half is stored.
            for (var level = 0; level < BitOperations.TrailingZeroCount(n + 1); level++)
            {
                var leftIndex = Index(level, (n >> level) - 1);
                var left = leftIndex >= stored ? added[(int)(leftIndex - stored)] : oldByIndex[leftIndex];
                hash = MerkleTree.NodeHash(left, hash);
                added.Add(hash);
            }
        }
        return added;
    }

    /// <summary>The stored hashes <see cref="Root"/> reads: at most 1 + log₂ n.</summary>
    public static IReadOnlyList<long> NeededForRoot(long treeSize)
    {
        var needed = new List<long>();
        AddSubtreeIndexes(0, treeSize, needed);
        return needed;
    }

    /// <summary>The root of the first <paramref name="treeSize"/> leaves, from stored hashes alone.</summary>
    public static Hash Root(long treeSize, IHashReader reader)
    {
        if (treeSize == 0) return MerkleTree.EmptyRoot;
        var needed = NeededForRoot(treeSize);
        var hashes = reader.ReadHashes(needed);
        var at = 0;
        return FoldSubtree(0, treeSize, hashes, ref at);
    }

    /// <summary>
    /// The stored indexes whose hashes give MTH of leaves [lo, hi): the perfect subtrees that tile the
    /// range from the left, largest first. lo must sit on such a boundary, as it does in every proof.
    /// </summary>
    internal static void AddSubtreeIndexes(long lo, long hi, List<long> needed)
    {
        while (lo < hi)
        {
            var level = 63 - BitOperations.LeadingZeroCount((ulong)(hi - lo));
            var size = 1L << level;
            if ((lo & (size - 1)) != 0) throw new InvalidOperationException($"[{lo}, {hi}) does not start on a subtree of {size}");
            needed.Add(Index(level, lo >> level));
            lo += size;
        }
    }

    /// <summary>Folds the hashes that <see cref="AddSubtreeIndexes"/> listed for [lo, hi), reading from <paramref name="at"/>.</summary>
    internal static Hash FoldSubtree(long lo, long hi, IReadOnlyList<Hash> hashes, ref int at)
    {
        var parts = 0;
        for (var rest = hi - lo; rest > 0; rest -= 1L << (63 - BitOperations.LeadingZeroCount((ulong)rest))) parts++;
        var hash = hashes[at + parts - 1];
        for (var i = parts - 2; i >= 0; i--) hash = MerkleTree.NodeHash(hashes[at + i], hash);
        at += parts;
        return hash;
    }
}
