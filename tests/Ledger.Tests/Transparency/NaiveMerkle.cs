using Ledger.Transparency;

namespace Ledger.Tests.Transparency;

/// <summary>
/// RFC 6962 §2.1 word for word — MTH, PATH and PROOF over a list of leaf hashes — to check the
/// stored-hash code against. Subtree hashes are memoised; that changes the speed, not the definition.
/// </summary>
public sealed class NaiveMerkle(IReadOnlyList<Hash> leaves)
{
    private readonly Dictionary<(int, int), Hash> _memo = [];

    public Hash Mth(int lo, int hi)
    {
        if (hi == lo) return MerkleTree.EmptyRoot;
        if (hi - lo == 1) return leaves[lo];
        if (_memo.TryGetValue((lo, hi), out var known)) return known;
        var k = LargestPowerOfTwoBelow(hi - lo);
        var hash = MerkleTree.NodeHash(Mth(lo, lo + k), Mth(lo + k, hi));
        _memo[(lo, hi)] = hash;
        return hash;
    }

    /// <summary>PATH(m, D[lo:hi]).</summary>
    public List<Hash> Path(int m, int lo, int hi)
    {
        if (hi - lo == 1) return [];
        var k = LargestPowerOfTwoBelow(hi - lo);
        return m < k
            ? [.. Path(m, lo, lo + k), Mth(lo + k, hi)]
            : [.. Path(m - k, lo + k, hi), Mth(lo, lo + k)];
    }

    /// <summary>PROOF(m, D[0:n]) = SUBPROOF(m, D[0:n], true).</summary>
    public List<Hash> Proof(int m, int n) => SubProof(m, 0, n, true);

    private List<Hash> SubProof(int m, int lo, int hi, bool b)
    {
        if (m == hi - lo) return b ? [] : [Mth(lo, hi)];
        var k = LargestPowerOfTwoBelow(hi - lo);
        return m <= k
            ? [.. SubProof(m, lo, lo + k, b), Mth(lo + k, hi)]
            : [.. SubProof(m - k, lo + k, hi, false), Mth(lo, lo + k)];
    }

    private static int LargestPowerOfTwoBelow(int n)
    {
        var k = 1;
        while (k << 1 < n) k <<= 1;
        return k;
    }
}
