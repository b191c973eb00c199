using Ledger.Transparency;
using Shouldly;

namespace Ledger.Tests.Transparency;

public sealed class ProofTamperingTests
{
    [Fact]
    public void a_changed_hash_wrong_leaf_or_wrong_root_fails_verification()
    {
        var leaves = Vectors.NumberedLeafHashes(300);
        var naive = new NaiveMerkle(leaves);
        var storage = StoredTree.Grow(leaves);
        var random = new Random(9162);
        for (var trial = 0; trial < 500; trial++)
        {
            var size = random.Next(2, 300 + 1);
            var i = random.Next(0, size - 1);
            var root = naive.Mth(0, size);
            var proof = InclusionProof.Build(i, size, storage).ToList();
            var broken = proof.ToList();
            var at = random.Next(broken.Count);
            broken[at] = Flip(broken[at], random.Next(256));
            InclusionProof.Verify(i, size, leaves[i], broken, root).ShouldBeFalse();
            InclusionProof.Verify(i, size, leaves[i + 1], proof, root).ShouldBeFalse();
            InclusionProof.Verify(i, size, leaves[i], proof, Flip(root, 0)).ShouldBeFalse();
            InclusionProof.Verify(i, size, leaves[i], proof.Take(proof.Count - 1).ToList(), root).ShouldBeFalse();
            InclusionProof.Verify(i, size, leaves[i], [.. proof, root], root).ShouldBeFalse();

            var consistency = ConsistencyProof.Build(i + 1, size, storage).ToList();
            if (consistency.Count == 0) continue;
            var oldRoot = naive.Mth(0, i + 1);
            var badConsistency = consistency.ToList();
            var spot = random.Next(badConsistency.Count);
            badConsistency[spot] = Flip(badConsistency[spot], random.Next(256));
            ConsistencyProof.Verify(i + 1, size, badConsistency, oldRoot, root).ShouldBeFalse();
            ConsistencyProof.Verify(i + 1, size, consistency, Flip(oldRoot, 1), root).ShouldBeFalse();
            ConsistencyProof.Verify(i + 1, size, consistency, oldRoot, Flip(root, 1)).ShouldBeFalse();
        }
    }

    private static Hash Flip(Hash hash, int bit)
    {
        var bytes = hash.ToArray();
        bytes[bit / 8 % Hash.Size] ^= (byte)(1 << (bit % 8));
        return Hash.FromBytes(bytes);
    }
}
