using System.Security.Cryptography;

namespace LedgerVerify.Tests;

/// <summary>
/// RFC 6962 §2.1 written as its recursive definitions (MTH, PATH, PROOF/SUBPROOF) over leaf hashes:
/// slow and obviously right, so proofs the tests build do not come from the code under test.
/// </summary>
public static class NaiveMerkle
{
    public static byte[] Leaf(byte[] entry) => SHA256.HashData([0x00, .. entry]);

    public static byte[] Node(byte[] left, byte[] right) => SHA256.HashData([0x01, .. left, .. right]);

    public static byte[] Root(IReadOnlyList<byte[]> leaves)
    {
        if (leaves.Count == 0) return SHA256.HashData([]);
        if (leaves.Count == 1) return leaves[0];
        var k = Split(leaves.Count);
        return Node(Root(Slice(leaves, 0, k)), Root(Slice(leaves, k, leaves.Count)));
    }

    public static List<byte[]> Path(int m, IReadOnlyList<byte[]> leaves)
    {
        if (leaves.Count <= 1) return [];
        var k = Split(leaves.Count);
        return m < k
            ? [.. Path(m, Slice(leaves, 0, k)), Root(Slice(leaves, k, leaves.Count))]
            : [.. Path(m - k, Slice(leaves, k, leaves.Count)), Root(Slice(leaves, 0, k))];
    }

    public static List<byte[]> Proof(int m, IReadOnlyList<byte[]> leaves) => SubProof(m, leaves, true);

    private static List<byte[]> SubProof(int m, IReadOnlyList<byte[]> leaves, bool b)
    {
        var n = leaves.Count;
        if (m == n) return b ? [] : [Root(leaves)];
        var k = Split(n);
        return m <= k
            ? [.. SubProof(m, Slice(leaves, 0, k), b), Root(Slice(leaves, k, n))]
            : [.. SubProof(m - k, Slice(leaves, k, n), false), Root(Slice(leaves, 0, k))];
    }

    /// <summary>The largest power of two smaller than n.</summary>
    private static int Split(int n)
    {
        var k = 1;
        while (k << 1 < n) k <<= 1;
        return k;
    }

    private static List<byte[]> Slice(IReadOnlyList<byte[]> leaves, int from, int to) => leaves.Skip(from).Take(to - from).ToList();
}
