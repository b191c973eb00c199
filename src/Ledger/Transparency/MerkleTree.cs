using System.Buffers;
using System.Numerics;
using System.Security.Cryptography;

namespace Ledger.Transparency;

/// <summary>RFC 6962 §2.1 hashing with SHA-256: the leaf and node hashes and the root of a list of leaves.</summary>
public static class MerkleTree
{
    /// <summary>MTH({}) = SHA-256 of the empty string.</summary>
    public static readonly Hash EmptyRoot = Hash.Sha256([]);

    /// <summary>SHA-256(0x00 || entry). The prefix keeps a leaf from ever passing for a node.</summary>
    public static Hash LeafHash(ReadOnlySpan<byte> entry)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(entry.Length + 1);
        try
        {
            buffer[0] = 0x00;
            entry.CopyTo(buffer.AsSpan(1));
            return Hash.Sha256(buffer.AsSpan(0, entry.Length + 1));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>SHA-256(0x01 || left || right).</summary>
    public static Hash NodeHash(Hash left, Hash right)
    {
        Span<byte> input = stackalloc byte[1 + 2 * Hash.Size];
        input[0] = 0x01;
        left.Bytes.CopyTo(input[1..]);
        right.Bytes.CopyTo(input[(1 + Hash.Size)..]);
        Span<byte> output = stackalloc byte[Hash.Size];
        Hash.Sha256(input, output);
        return Hash.FromBytes(output);
    }

    /// <summary>
    /// The root of the tree whose leaves have these hashes, in one pass: a stack holds the roots of
    /// the perfect subtrees finished so far, and the ragged right edge is folded in at the end.
    /// </summary>
    public static Hash RootOf(IReadOnlyList<Hash> leafHashes)
    {
        if (leafHashes.Count == 0) return EmptyRoot;
        var stack = new List<Hash>(64);
        for (var i = 0L; i < leafHashes.Count; i++)
        {
            var hash = leafHashes[(int)i];
            // Each trailing one bit of i is a perfect subtree that leaf i completes.
            for (var done = i; (done & 1) == 1; done >>= 1)
            {
                hash = NodeHash(stack[^1], hash);
                stack.RemoveAt(stack.Count - 1);
            }
            stack.Add(hash);
        }

        var root = stack[^1];
        for (var j = stack.Count - 2; j >= 0; j--) root = NodeHash(stack[j], root);
        return root;
    }

    /// <summary>The largest power of two strictly below <paramref name="n"/> (n ≥ 2): RFC 6962's split point k.</summary>
    internal static long SplitPoint(long n) => 1L << (63 - BitOperations.LeadingZeroCount((ulong)(n - 1)));
}
