using Ledger.Transparency;
using Shouldly;

namespace Ledger.Tests.Transparency;

public sealed class StoredHashTests
{
    private const int Exhaustive = 300;

    [Fact]
    public void storage_index_and_split_are_inverse_and_dense()
    {
        // Every index 0…N is exactly one (level, n), and counts agree with what appends store.
        for (var index = 0L; index < 5000; index++)
        {
            var (level, n) = StoredHashes.Split(index);
            StoredHashes.Index(level, n).ShouldBe(index);
        }
        StoredHashes.Index(0, 0).ShouldBe(0);
        StoredHashes.Index(0, 1).ShouldBe(1);
        StoredHashes.Index(1, 0).ShouldBe(2);
        StoredHashes.Index(0, 2).ShouldBe(3);
        StoredHashes.Index(0, 3).ShouldBe(4);
        StoredHashes.Index(1, 1).ShouldBe(5);
        StoredHashes.Index(2, 0).ShouldBe(6);
        StoredHashes.Count(0).ShouldBe(0);
        StoredHashes.Count(4).ShouldBe(7);
    }

    [Fact]
    public void appending_one_leaf_or_many_at_once_stores_the_same_hashes()
    {
        var leaves = Vectors.NumberedLeafHashes(1000);
        var oneByOne = StoredTree.GrowList(leaves, Enumerable.Repeat(1, 1000));
        var random = new Random(6962);
        var batches = new List<int>();
        for (var left = 1000; left > 0;)
        {
            var batch = Math.Min(left, random.Next(1, 200));
            batches.Add(batch);
            left -= batch;
        }
        StoredTree.GrowList(leaves, batches).ShouldBe(oneByOne);
        oneByOne.Count.ShouldBe((int)StoredHashes.Count(1000));
    }

    [Fact]
    public void append_reads_only_the_old_hashes_it_announces()
    {
        var leaves = Vectors.NumberedLeafHashes(200);
        var stored = StoredTree.GrowList(leaves, [77]);
        var announced = StoredHashes.NeededToAppend(77, 123);
        var lookup = new HashLookup(announced.ToDictionary(i => i, i => stored[(int)i]));
        var added = StoredHashes.Append(77, leaves.Skip(77).ToList(), lookup);
        stored.AddRange(added);
        stored.ShouldBe(StoredTree.GrowList(leaves, [200]));
    }

    [Fact]
    public void every_root_proof_and_consistency_up_to_300_leaves_matches_rfc6962_and_verifies()
    {
        var leaves = Vectors.NumberedLeafHashes(Exhaustive);
        var naive = new NaiveMerkle(leaves);
        var storage = StoredTree.Grow(leaves);
        for (var size = 0; size <= Exhaustive; size++)
        {
            var root = naive.Mth(0, size);
            StoredHashes.Root(size, storage).ShouldBe(root, $"root of {size}");
            MerkleTree.RootOf(leaves.GetRange(0, size)).ShouldBe(root);
            for (var i = 0; i < size; i++)
            {
                var proof = InclusionProof.Build(i, size, storage);
                if (!proof.SequenceEqual(naive.Path(i, 0, size))) proof.ShouldBe(naive.Path(i, 0, size), $"{i} in {size}");
                if (!InclusionProof.Verify(i, size, leaves[i], proof, root)) Assert.Fail($"inclusion {i} in {size} does not verify");
                var consistency = ConsistencyProof.Build(i + 1, size, storage);
                if (!consistency.SequenceEqual(naive.Proof(i + 1, size))) consistency.ShouldBe(naive.Proof(i + 1, size), $"{i + 1} to {size}");
                if (!ConsistencyProof.Verify(i + 1, size, consistency, naive.Mth(0, i + 1), root)) Assert.Fail($"consistency {i + 1} to {size} does not verify");
            }
        }
    }

    [Fact]
    public void random_trees_up_to_100k_leaves_grown_in_batches_prove_like_the_rfc()
    {
        var random = new Random(42);
        const int max = 100_000;
        var leaves = Vectors.NumberedLeafHashes(max);
        var batches = new List<int>();
        for (var left = max; left > 0;)
        {
            var batch = Math.Min(left, random.Next(1, 3000));
            batches.Add(batch);
            left -= batch;
        }
        var storage = new HashList(StoredTree.GrowList(leaves, batches));
        var naive = new NaiveMerkle(leaves);
        for (var trial = 0; trial < 60; trial++)
        {
            var size = random.Next(1, max + 1);
            var index = random.Next(0, size);
            var oldSize = random.Next(1, size + 1);
            var root = StoredHashes.Root(size, storage);
            root.ShouldBe(naive.Mth(0, size), $"root of {size}");
            var proof = InclusionProof.Build(index, size, storage);
            proof.ShouldBe(naive.Path(index, 0, size), $"{index} in {size}");
            InclusionProof.Verify(index, size, leaves[index], proof, root).ShouldBeTrue();
            var consistency = ConsistencyProof.Build(oldSize, size, storage);
            consistency.ShouldBe(naive.Proof(oldSize, size), $"{oldSize} to {size}");
            ConsistencyProof.Verify(oldSize, size, consistency, naive.Mth(0, oldSize), root).ShouldBeTrue();
        }
    }

    [Fact]
    public void proofs_outside_the_tree_are_refused()
    {
        var storage = StoredTree.Grow(Vectors.NumberedLeafHashes(10));
        Should.Throw<ArgumentOutOfRangeException>(() => InclusionProof.Build(10, 10, storage));
        Should.Throw<ArgumentOutOfRangeException>(() => InclusionProof.Build(-1, 10, storage));
        Should.Throw<ArgumentOutOfRangeException>(() => ConsistencyProof.Build(0, 10, storage));
        Should.Throw<ArgumentOutOfRangeException>(() => ConsistencyProof.Build(11, 10, storage));
        ConsistencyProof.Build(10, 10, storage).ShouldBeEmpty();
        Should.Throw<KeyNotFoundException>(() => InclusionProof.Build(3, 20, storage));
    }
}
