using System.Security.Cryptography;
using System.Text;
using Ledger.Transparency;
using Shouldly;

namespace Ledger.Tests.Transparency;

public sealed class MerkleHashingTests
{
    private static readonly System.Text.Json.JsonElement Reference = Vectors.Load("rfc6962-reference.json");

    [Fact]
    public void leaf_node_and_empty_hashes_match_the_rfc6962_hasher_vectors()
    {
        // The "node" vector hashes 4-byte children, which NodeHash (32-byte hashes only) cannot take;
        // node hashing is pinned by the reference tree's node hashes instead.
        var checkedCount = 0;
        foreach (var v in Reference.GetProperty("hasher").EnumerateArray())
        {
            var kind = v.GetProperty("kind").GetString();
            if (kind == "node") continue;
            var got = kind == "empty" ? MerkleTree.EmptyRoot : MerkleTree.LeafHash(Vectors.Hex(v.GetProperty("input")));
            got.ShouldBe(Vectors.HexHash(v.GetProperty("want")), v.GetProperty("desc").GetString());
            checkedCount++;
        }
        checkedCount.ShouldBe(3);
    }

    [Fact]
    public void a_node_hash_is_sha256_of_one_then_both_children()
    {
        var nodes = Reference.GetProperty("nodeHashes");
        for (var level = 1; level < nodes.GetArrayLength(); level++)
            for (var i = 0; i < nodes[level].GetArrayLength(); i++)
                MerkleTree.NodeHash(Vectors.HexHash(nodes[level - 1][2 * i]), Vectors.HexHash(nodes[level - 1][2 * i + 1]))
                    .ShouldBe(Vectors.HexHash(nodes[level][i]), $"level {level} node {i}");
    }

    [Fact]
    public void roots_of_the_reference_leaves_match_for_every_size_from_0_to_8()
    {
        var leaves = Vectors.ReferenceLeafHashes();
        var roots = Reference.GetProperty("rootHashes").EnumerateArray().Select(Vectors.HexHash).ToList();
        roots.Count.ShouldBe(9);
        for (var size = 0; size <= 8; size++) MerkleTree.RootOf(leaves.Take(size).ToList()).ShouldBe(roots[size], $"size {size}");
    }

    [Fact]
    public void every_perfect_subtree_of_the_reference_tree_has_the_listed_node_hash()
    {
        var leaves = Vectors.ReferenceLeafHashes();
        var level = 0;
        foreach (var row in Reference.GetProperty("nodeHashes").EnumerateArray())
        {
            var width = 1 << level;
            var i = 0;
            foreach (var hash in row.EnumerateArray())
            {
                MerkleTree.RootOf(leaves.Skip(i * width).Take(width).ToList()).ShouldBe(Vectors.HexHash(hash), $"level {level} node {i}");
                i++;
            }
            level++;
        }
    }

    [Fact]
    public void subtree_hashes_of_a_130_leaf_tree_fold_to_the_published_accumulated_vector()
    {
        // testonly/vectors_test.go: leaf i is the single byte i; every valid [start, end) is written
        // as "[start, end) hex\n" into one SHA-256.
        var max = Reference.GetProperty("accumulated").GetProperty("maxSize").GetInt32();
        var leaves = Enumerable.Range(0, max).Select(i => MerkleTree.LeafHash([(byte)i])).ToList();
        using var acc = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (var end = 0; end <= max; end++)
            for (var start = 0; start <= end; start++)
            {
                if (!SubtreeRanges.IsValid(start, end)) continue;
                var hash = MerkleTree.RootOf(leaves.GetRange(start, end - start));
                acc.AppendData(Encoding.ASCII.GetBytes($"[{start}, {end}) {Convert.ToHexStringLower(hash.Bytes)}\n"));
            }
        Convert.ToHexStringLower(acc.GetHashAndReset()).ShouldBe(Reference.GetProperty("accumulated").GetProperty("subtreeHashes").GetString());
    }

    [Fact]
    public void a_leaf_never_hashes_like_the_node_over_its_own_halves()
    {
        var left = MerkleTree.LeafHash("Hello"u8);
        var right = MerkleTree.LeafHash("World"u8);
        var node = MerkleTree.NodeHash(left, right);
        node.ShouldNotBe(MerkleTree.LeafHash([.. left.Bytes, .. right.Bytes]));
        node.ShouldNotBe(MerkleTree.NodeHash(right, left));
    }
}

/// <summary>The draft's subtree rule: [start, end) is a node of some tree when start is 0, empty, or a multiple of bit_ceil(end − start).</summary>
internal static class SubtreeRanges
{
    public static bool IsValid(int start, int end)
    {
        if (start == 0 || start == end) return true;
        var ceil = 1;
        while (ceil < end - start) ceil <<= 1;
        return start % ceil == 0;
    }
}
