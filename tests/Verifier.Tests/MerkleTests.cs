using System.Text.Json;

namespace LedgerVerify.Tests;

/// <summary>RFC 6962 hashes and RFC 9162 proof verification against transparency-dev/merkle's vectors and a naive tree.</summary>
public sealed class MerkleTests
{
    private static readonly JsonElement Inclusion = Vectors.Load("merkle-inclusion.json");
    private static readonly JsonElement Consistency = Vectors.Load("merkle-consistency.json");
    private static readonly JsonElement Reference = Vectors.Load("rfc6962-reference.json");

    // Go compares these 12-byte placeholder "roots" and accepts them; every hash here is 32 bytes.
    private const string EqualSizesWithPlaceholderRoots = "testdata/consistency/additional/sizes-are-equal-one-and-proof-is-empty.json";

    public static TheoryData<string> InclusionSources() => [.. Inclusion.EnumerateArray().Select(v => v.GetProperty("source").GetString()!)];

    public static TheoryData<string> ConsistencySources() => [.. Consistency.EnumerateArray().Select(v => v.GetProperty("source").GetString()!)];

    private static JsonElement Find(JsonElement all, string source) => all.EnumerateArray().Single(v => v.GetProperty("source").GetString() == source);

    private static List<byte[]> Proof(JsonElement v) => v.GetProperty("proof").EnumerateArray().Select(Vectors.Base64).ToList();

    [Theory]
    [MemberData(nameof(InclusionSources))]
    public void inclusion_vector_verifies_exactly_when_it_should(string source)
    {
        var v = Find(Inclusion, source);
        // Indexes past 2^63 - 1 cannot be given to a verifier of long indexes: that is their refusal.
        var fits = v.GetProperty("leafIdx").TryGetInt64(out var index) & v.GetProperty("treeSize").TryGetInt64(out var size);
        var ok = fits && Merkle.VerifyInclusion(index, size, Vectors.Base64(v.GetProperty("leafHash")), Proof(v), Vectors.Base64(v.GetProperty("root")));
        ok.ShouldBe(!v.GetProperty("wantErr").GetBoolean(), v.GetProperty("desc").GetString());
    }

    [Theory]
    [MemberData(nameof(ConsistencySources))]
    public void consistency_vector_verifies_exactly_when_it_should(string source)
    {
        var v = Find(Consistency, source);
        var root1 = Vectors.Base64(v.GetProperty("root1"));
        var root2 = Vectors.Base64(v.GetProperty("root2"));
        var fits = v.GetProperty("size1").TryGetInt64(out var size1) & v.GetProperty("size2").TryGetInt64(out var size2);
        var ok = fits && Merkle.VerifyConsistency(size1, size2, Proof(v), root1, root2);
        if (source == EqualSizesWithPlaceholderRoots)
        {
            ok.ShouldBeFalse();
            var real = Merkle.LeafHash("x"u8);
            Merkle.VerifyConsistency(1, 1, [], real, real).ShouldBeTrue();
            return;
        }
        ok.ShouldBe(!v.GetProperty("wantErr").GetBoolean(), v.GetProperty("desc").GetString());
    }

    [Fact]
    public void the_vector_files_hold_what_their_readme_says()
    {
        Inclusion.GetArrayLength().ShouldBe(98);
        Consistency.GetArrayLength().ShouldBe(98);
        Inclusion.EnumerateArray().Count(v => !v.GetProperty("wantErr").GetBoolean()).ShouldBe(6);
        Consistency.EnumerateArray().Count(v => !v.GetProperty("wantErr").GetBoolean()).ShouldBe(6);
    }

    [Fact]
    public void leaf_and_node_hashes_match_the_rfc6962_hasher_values()
    {
        foreach (var c in Reference.GetProperty("hasher").EnumerateArray())
        {
            var got = c.GetProperty("kind").GetString() switch
            {
                "empty" => System.Security.Cryptography.SHA256.HashData([]),
                "leaf" => Merkle.LeafHash(Vectors.Hex(c.GetProperty("input"))),
                _ => Merkle.NodeHash(Vectors.Hex(c.GetProperty("left")), Vectors.Hex(c.GetProperty("right"))),
            };
            Convert.ToHexStringLower(got).ShouldBe(c.GetProperty("want").GetString(), c.GetProperty("desc").GetString());
        }
    }

    [Fact]
    public void the_reference_proofs_verify_against_the_reference_roots()
    {
        var leaves = Reference.GetProperty("leaves").EnumerateArray().Select(l => Merkle.LeafHash(Vectors.Hex(l))).ToList();
        var roots = Reference.GetProperty("rootHashes").EnumerateArray().Select(Vectors.Hex).ToList();
        foreach (var c in Reference.GetProperty("inclusionProofs").EnumerateArray())
        {
            var (index, size) = (c.GetProperty("index").GetInt32(), c.GetProperty("size").GetInt32());
            Merkle.VerifyInclusion(index, size, leaves[index], c.GetProperty("proof").EnumerateArray().Select(Vectors.Hex).ToList(), roots[size]).ShouldBeTrue($"{index} in {size}");
        }
        foreach (var c in Reference.GetProperty("consistencyProofs").EnumerateArray())
        {
            var (m, n) = (c.GetProperty("size1").GetInt32(), c.GetProperty("size2").GetInt32());
            Merkle.VerifyConsistency(m, n, c.GetProperty("proof").EnumerateArray().Select(Vectors.Hex).ToList(), roots[m], roots[n]).ShouldBeTrue($"{m} to {n}");
        }
    }

    [Fact]
    public void every_proof_of_a_naive_tree_up_to_40_leaves_verifies_and_every_changed_one_does_not()
    {
        var leaves = Enumerable.Range(0, 40).Select(i => NaiveMerkle.Leaf([(byte)i, 7])).ToList();
        for (var size = 1; size <= leaves.Count; size++)
        {
            var tree = leaves.Take(size).ToList();
            var root = NaiveMerkle.Root(tree);
            for (var i = 0; i < size; i++)
            {
                var path = NaiveMerkle.Path(i, tree);
                Merkle.VerifyInclusion(i, size, tree[i], path, root).ShouldBeTrue($"{i} in {size}");
                if (path.Count > 0) Merkle.VerifyInclusion(i, size, tree[i], path.SkipLast(1).ToList(), root).ShouldBeFalse();
                Merkle.VerifyInclusion(i, size, tree[i], [.. path, root], root).ShouldBeFalse();
                if (size > 1) Merkle.VerifyInclusion(i, size, tree[(i + 1) % size], path, root).ShouldBeFalse();
            }
            for (var from = 1; from <= size; from++)
            {
                var proof = NaiveMerkle.Proof(from, tree);
                var old = NaiveMerkle.Root(leaves.Take(from).ToList());
                Merkle.VerifyConsistency(from, size, proof, old, root).ShouldBeTrue($"{from} to {size}");
                if (proof.Count == 0) continue;
                var changed = proof.Select(h => h.ToArray()).ToList();
                changed[^1][31] ^= 1;
                Merkle.VerifyConsistency(from, size, changed, old, root).ShouldBeFalse();
                Merkle.VerifyConsistency(from, size, proof.Skip(1).ToList(), old, root).ShouldBeFalse();
                Merkle.VerifyConsistency(from, size, proof, root, old).ShouldBeFalse();
            }
        }
    }

    [Fact]
    public void consistency_from_the_empty_tree_is_left_to_the_caller()
    {
        var root = Merkle.LeafHash([]);
        Merkle.VerifyConsistency(0, 1, [], System.Security.Cryptography.SHA256.HashData([]), root).ShouldBeFalse();
    }
}
