using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ledger.Transparency;
using Shouldly;

namespace Ledger.Tests.Transparency;

public sealed class ProofVectorTests
{
    private static readonly JsonElement Inclusion = Vectors.Load("merkle-inclusion.json");
    private static readonly JsonElement Consistency = Vectors.Load("merkle-consistency.json");
    private static readonly JsonElement Reference = Vectors.Load("rfc6962-reference.json");

    private const string EqualSizesWithPlaceholderRoots = "testdata/consistency/additional/sizes-are-equal-one-and-proof-is-empty.json";

    public static TheoryData<string> InclusionSources() => [.. Inclusion.EnumerateArray().Select(v => v.GetProperty("source").GetString()!)];

    public static TheoryData<string> ConsistencySources() => [.. Consistency.EnumerateArray().Select(v => v.GetProperty("source").GetString()!)];

    [Theory]
    [MemberData(nameof(InclusionSources))]
    public void inclusion_vector_verifies_exactly_when_it_should(string source)
    {
        var v = Inclusion.EnumerateArray().Single(e => e.GetProperty("source").GetString() == source);
        var wantError = v.GetProperty("wantErr").GetBoolean();
        // A root or leaf that is not 32 bytes cannot even be given to the verifier: that is its refusal.
        if (!Vectors.TryHash(v.GetProperty("root"), out var root) || !Vectors.TryHash(v.GetProperty("leafHash"), out var leaf) || !TryProof(v, out var proof))
        {
            wantError.ShouldBeTrue();
            return;
        }
        // Indexes and sizes are uint64 in the vectors; past 2^63 - 1 no tree of this code reaches.
        if (!v.GetProperty("leafIdx").TryGetInt64(out var index) || !v.GetProperty("treeSize").TryGetInt64(out var size))
        {
            wantError.ShouldBeTrue();
            return;
        }
        var ok = InclusionProof.Verify(index, size, leaf, proof, root);
        ok.ShouldBe(!wantError, v.GetProperty("desc").GetString());
    }

    [Theory]
    [MemberData(nameof(ConsistencySources))]
    public void consistency_vector_verifies_exactly_when_it_should(string source)
    {
        var v = Consistency.EnumerateArray().Single(e => e.GetProperty("source").GetString() == source);
        var wantError = v.GetProperty("wantErr").GetBoolean();
        if (!Vectors.TryHash(v.GetProperty("root1"), out var root1) || !Vectors.TryHash(v.GetProperty("root2"), out var root2) || !TryProof(v, out var proof))
        {
            if (source == EqualSizesWithPlaceholderRoots)
            {
                // Go compares the 12-byte placeholder "roots" and accepts them; a Hash here is 32 bytes,
                // so the case it stands for is checked with a real root instead.
                var real = MerkleTree.LeafHash("x"u8);
                ConsistencyProof.Verify(1, 1, [], real, real).ShouldBeTrue();
                return;
            }
            wantError.ShouldBeTrue();
            return;
        }
        if (!v.GetProperty("size1").TryGetInt64(out var size1) || !v.GetProperty("size2").TryGetInt64(out var size2))
        {
            wantError.ShouldBeTrue();
            return;
        }
        var ok = ConsistencyProof.Verify(size1, size2, proof, root1, root2);
        ok.ShouldBe(!wantError, v.GetProperty("desc").GetString());
    }

    [Fact]
    public void the_vectors_hold_both_valid_and_invalid_proofs()
    {
        // Guards the two theories above against a vector file that only ever expects failure.
        Inclusion.EnumerateArray().Count(v => !v.GetProperty("wantErr").GetBoolean()).ShouldBe(6);
        Consistency.EnumerateArray().Count(v => !v.GetProperty("wantErr").GetBoolean()).ShouldBe(6);
        Inclusion.GetArrayLength().ShouldBe(98);
        Consistency.GetArrayLength().ShouldBe(98);
    }

    [Fact]
    public void proofs_built_from_stored_hashes_equal_the_hard_coded_reference_proofs()
    {
        var storage = StoredTree.Grow(Vectors.ReferenceLeafHashes());
        foreach (var c in Reference.GetProperty("inclusionProofs").EnumerateArray())
        {
            var (index, size) = (c.GetProperty("index").GetInt64(), c.GetProperty("size").GetInt64());
            InclusionProof.Build(index, size, storage).ShouldBe(c.GetProperty("proof").EnumerateArray().Select(Vectors.HexHash).ToList(), $"{index} in {size}");
        }
        foreach (var c in Reference.GetProperty("consistencyProofs").EnumerateArray())
        {
            var (m, n) = (c.GetProperty("size1").GetInt64(), c.GetProperty("size2").GetInt64());
            ConsistencyProof.Build(m, n, storage).ShouldBe(c.GetProperty("proof").EnumerateArray().Select(Vectors.HexHash).ToList(), $"{m} to {n}");
        }
    }

    [Fact]
    public void inclusion_proofs_in_every_subtree_of_a_130_leaf_tree_fold_to_the_published_accumulated_vector()
    {
        // A valid subtree [start, end) proves like the tree of its own leaves, so each is built fresh.
        var max = Reference.GetProperty("accumulated").GetProperty("maxSize").GetInt32();
        var leaves = Enumerable.Range(0, max).Select(i => MerkleTree.LeafHash([(byte)i])).ToList();
        using var acc = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (var end = 0; end <= max; end++)
            for (var start = 0; start <= end; start++)
            {
                if (!SubtreeRanges.IsValid(start, end) || start == end) continue;
                var storage = StoredTree.Grow(leaves.GetRange(start, end - start));
                for (var index = start; index < end; index++)
                {
                    var line = new StringBuilder($"{index} [{start}, {end})");
                    foreach (var hash in InclusionProof.Build(index - start, end - start, storage)) line.Append(' ').Append(Convert.ToHexStringLower(hash.Bytes));
                    acc.AppendData(Encoding.ASCII.GetBytes(line.Append('\n').ToString()));
                }
            }
        Convert.ToHexStringLower(acc.GetHashAndReset()).ShouldBe(Reference.GetProperty("accumulated").GetProperty("subtreeInclusionProofs").GetString());
    }

    private static bool TryProof(JsonElement v, out List<Hash> proof)
    {
        proof = [];
        foreach (var e in v.GetProperty("proof").EnumerateArray())
        {
            if (!Vectors.TryHash(e, out var hash)) return false;
            proof.Add(hash);
        }
        return true;
    }
}

/// <summary>A tree's stored hashes in memory, grown one leaf at a time or in given batches.</summary>
internal static class StoredTree
{
    public static HashList Grow(IReadOnlyList<Hash> leaves) => new(GrowList(leaves, [leaves.Count]));

    public static List<Hash> GrowList(IReadOnlyList<Hash> leaves, IEnumerable<int> batches)
    {
        var stored = new List<Hash>();
        var size = 0;
        foreach (var batch in batches)
        {
            stored.AddRange(StoredHashes.Append(size, leaves.Skip(size).Take(batch).ToList(), new HashList(stored)));
            size += batch;
        }
        return stored;
    }
}
