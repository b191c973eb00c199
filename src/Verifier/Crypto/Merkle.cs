using System.Security.Cryptography;

namespace LedgerVerify;

/// <summary>
/// RFC 6962 §2.1 Merkle tree hashes (SHA-256) and the verification of inclusion and consistency
/// proofs, step by step as RFC 9162 §2.1.3.2 and §2.1.4.2 write them. Every hash is 32 bytes;
/// anything else fails.
/// </summary>
internal static class Merkle
{
    public static byte[] LeafHash(ReadOnlySpan<byte> entry) => SHA256.HashData([0x00, .. entry]);

    public static byte[] NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right) => SHA256.HashData([0x01, .. left, .. right]);

    /// <summary>RFC 9162 §2.1.3.2: does the audit path lead from the leaf at <paramref name="index"/> to the root of a tree of <paramref name="size"/>?</summary>
    public static bool VerifyInclusion(long index, long size, byte[] leafHash, IReadOnlyList<byte[]> proof, byte[] root)
    {
        if (index < 0 || index >= size || leafHash.Length != 32 || root.Length != 32 || proof.Any(p => p.Length != 32)) return false;
        long fn = index, sn = size - 1;
        var r = leafHash;
        foreach (var p in proof)
        {
            if (sn == 0) return false;
            if ((fn & 1) == 1 || fn == sn)
            {
                r = NodeHash(p, r);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                r = NodeHash(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && r.AsSpan().SequenceEqual(root);
    }

    /// <summary>
    /// RFC 9162 §2.1.4.2: is the tree of <paramref name="size1"/> leaves a prefix of the tree of
    /// <paramref name="size2"/>? Equal sizes need an empty proof and equal roots. From the empty tree
    /// there is nothing to prove, and this says false: callers handle size 0 themselves (a witness
    /// takes <c>old 0</c> with no proof lines).
    /// </summary>
    public static bool VerifyConsistency(long size1, long size2, IReadOnlyList<byte[]> proof, byte[] root1, byte[] root2)
    {
        if (size1 <= 0 || size2 < size1 || root1.Length != 32 || root2.Length != 32 || proof.Any(p => p.Length != 32)) return false;
        if (size1 == size2) return proof.Count == 0 && root1.AsSpan().SequenceEqual(root2);
        if (proof.Count == 0) return false;

        // A perfect old tree's root is the first node of the path, and the proof leaves it out.
        var path = (size1 & (size1 - 1)) == 0 ? [root1, .. proof] : proof.ToList();
        long fn = size1 - 1, sn = size2 - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }
        byte[] fr = path[0], sr = path[0];
        foreach (var c in path.Skip(1))
        {
            if (sn == 0) return false;
            if ((fn & 1) == 1 || fn == sn)
            {
                fr = NodeHash(c, fr);
                sr = NodeHash(c, sr);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                sr = NodeHash(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && fr.AsSpan().SequenceEqual(root1) && sr.AsSpan().SequenceEqual(root2);
    }
}
