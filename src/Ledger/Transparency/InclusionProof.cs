namespace Ledger.Transparency;

/// <summary>
/// RFC 6962 §2.1.1 audit paths: that leaf <c>index</c> is in the tree of <c>size</c> leaves. The proof
/// lists the sibling hashes from the leaf up to the root's child.
/// </summary>
public static class InclusionProof
{
    /// <summary>The stored hashes <see cref="Build"/> reads, in the order it reads them.</summary>
    public static IReadOnlyList<long> Needed(long index, long size)
    {
        var needed = new List<long>();
        foreach (var (lo, hi) in Siblings(index, size)) StoredHashes.AddSubtreeIndexes(lo, hi, needed);
        return needed;
    }

    public static IReadOnlyList<Hash> Build(long index, long size, IHashReader reader)
    {
        var siblings = Siblings(index, size);
        var needed = Needed(index, size);
        var hashes = needed.Count == 0 ? [] : reader.ReadHashes(needed);
        if (hashes.Count != needed.Count) throw new InvalidOperationException($"asked for {needed.Count} stored hashes, got {hashes.Count}");
        var at = 0;
        return siblings.Select(s => StoredHashes.FoldSubtree(s.Lo, s.Hi, hashes, ref at)).ToList();
    }

    /// <summary>
    /// The leaf ranges whose hashes make the proof, bottom up: RFC 6962's PATH(m, D[n]) walks down from
    /// the root and records the subtree on the side it does not take.
    /// </summary>
    internal static List<(long Lo, long Hi)> Siblings(long index, long size)
    {
        if (index < 0 || index >= size) throw new ArgumentOutOfRangeException(nameof(index), $"leaf {index} is not in a tree of {size}");
        var topDown = new List<(long, long)>();
        long lo = 0, hi = size;
        while (hi - lo > 1)
        {
            var k = MerkleTree.SplitPoint(hi - lo);
            if (index < lo + k)
            {
                topDown.Add((lo + k, hi));
                hi = lo + k;
            }
            else
            {
                topDown.Add((lo, lo + k));
                lo += k;
            }
        }
        topDown.Reverse();
        return topDown;
    }

    /// <summary>
    /// RFC 9162 §2.1.3.2: true when the proof leads from this leaf hash to this root. Wrong sizes,
    /// an index outside the tree, a proof too long or too short: all false.
    /// </summary>
    public static bool Verify(long index, long size, Hash leafHash, IReadOnlyList<Hash> proof, Hash root) =>
        TryRootFrom(index, size, leafHash, proof, out var computed) && computed == root;

    /// <summary>The root this proof implies for the leaf, if the proof has the right shape for (index, size).</summary>
    public static bool TryRootFrom(long index, long size, Hash leafHash, IReadOnlyList<Hash> proof, out Hash root)
    {
        root = default;
        if (index < 0 || index >= size || !leafHash.HasValue) return false;
        long fn = index, sn = size - 1;
        var r = leafHash;
        foreach (var p in proof)
        {
            if (sn == 0 || !p.HasValue) return false;
            if ((fn & 1) == 1 || fn == sn)
            {
                r = MerkleTree.NodeHash(p, r);
                // Past the right edge of a perfect subtree the path climbs levels that have no sibling.
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                r = MerkleTree.NodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        if (sn != 0) return false;
        root = r;
        return true;
    }
}
