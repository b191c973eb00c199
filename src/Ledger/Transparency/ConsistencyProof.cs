namespace Ledger.Transparency;

/// <summary>
/// RFC 6962 §2.1.2 consistency proofs: that the tree of <c>oldSize</c> leaves is a prefix of the tree
/// of <c>newSize</c>. Defined for 0 &lt; oldSize ≤ newSize; from the empty tree there is nothing to
/// prove (tlog-witness sends no proof lines for old size 0).
/// </summary>
public static class ConsistencyProof
{
    /// <summary>The stored hashes <see cref="Build"/> reads, in the order it reads them.</summary>
    public static IReadOnlyList<long> Needed(long oldSize, long newSize)
    {
        var needed = new List<long>();
        foreach (var (lo, hi) in Parts(oldSize, newSize)) StoredHashes.AddSubtreeIndexes(lo, hi, needed);
        return needed;
    }

    public static IReadOnlyList<Hash> Build(long oldSize, long newSize, IHashReader reader)
    {
        var parts = Parts(oldSize, newSize);
        var needed = Needed(oldSize, newSize);
        var hashes = needed.Count == 0 ? [] : reader.ReadHashes(needed);
        if (hashes.Count != needed.Count) throw new InvalidOperationException($"asked for {needed.Count} stored hashes, got {hashes.Count}");
        var at = 0;
        return parts.Select(s => StoredHashes.FoldSubtree(s.Lo, s.Hi, hashes, ref at)).ToList();
    }

    /// <summary>
    /// The leaf ranges whose hashes make the proof, in proof order: RFC 6962's SUBPROOF(m, D[n], b)
    /// walked from the root. The old root itself is left out only while the walk has gone left
    /// every time (b true), because then the verifier already holds it.
    /// </summary>
    internal static List<(long Lo, long Hi)> Parts(long oldSize, long newSize)
    {
        if (oldSize <= 0 || oldSize > newSize) throw new ArgumentOutOfRangeException(nameof(oldSize), $"no consistency proof from {oldSize} to {newSize}");
        var topDown = new List<(long, long)>();
        long lo = 0, hi = newSize;
        while (oldSize != hi)
        {
            var k = MerkleTree.SplitPoint(hi - lo);
            if (oldSize <= lo + k)
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
        if (lo != 0) topDown.Add((lo, hi));
        topDown.Reverse();
        return topDown;
    }

    /// <summary>
    /// RFC 9162 §2.1.4.2: true when the proof shows the old root's tree is a prefix of the new root's.
    /// Equal sizes need an empty proof and equal roots; old size 0 is always false.
    /// </summary>
    public static bool Verify(long oldSize, long newSize, IReadOnlyList<Hash> proof, Hash oldRoot, Hash newRoot)
    {
        if (oldSize <= 0 || oldSize > newSize || !oldRoot.HasValue || !newRoot.HasValue) return false;
        if (oldSize == newSize) return proof.Count == 0 && oldRoot == newRoot;
        if (proof.Count == 0 || proof.Any(p => !p.HasValue)) return false;

        // When the old tree is perfect its root is the first node of the path, and the proof omits it.
        var path = (oldSize & (oldSize - 1)) == 0 ? proof.Prepend(oldRoot).ToList() : proof.ToList();
        long fn = oldSize - 1, sn = newSize - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }

        Hash fr = path[0], sr = path[0];
        foreach (var c in path.Skip(1))
        {
            if (sn == 0) return false;
            if ((fn & 1) == 1 || fn == sn)
            {
                fr = MerkleTree.NodeHash(c, fr);
                sr = MerkleTree.NodeHash(c, sr);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                sr = MerkleTree.NodeHash(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return fr == oldRoot && sr == newRoot && sn == 0;
    }
}
