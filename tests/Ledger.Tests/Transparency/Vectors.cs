using System.Text.Json;
using Ledger.Transparency;

namespace Ledger.Tests.Transparency;

/// <summary>The JSON vectors under Vectors/, embedded in the test assembly (their sources: Vectors/README.md).</summary>
public static class Vectors
{
    public static JsonElement Load(string file)
    {
        var name = typeof(Vectors).Assembly.GetManifestResourceNames().Single(n => n.EndsWith("." + file, StringComparison.Ordinal));
        using var stream = typeof(Vectors).Assembly.GetManifestResourceStream(name)!;
        return JsonDocument.Parse(stream).RootElement.Clone();
    }

    public static byte[] Hex(JsonElement e) => Convert.FromHexString(e.GetString()!);

    public static Hash HexHash(JsonElement e) => Hash.FromBytes(Hex(e));

    /// <summary>A base64 field as a hash, or no hash when it is not 32 bytes (some vectors are wrong on purpose).</summary>
    public static bool TryHash(JsonElement e, out Hash hash)
    {
        hash = default;
        var bytes = Convert.FromBase64String(e.GetString()!);
        return Hash.TryFromBytes(bytes, out hash);
    }

    /// <summary>The reference leaves' hashes, and the leaves of a bigger tree: leaf i is "leaf i" in UTF-8.</summary>
    public static List<Hash> ReferenceLeafHashes() =>
        Load("rfc6962-reference.json").GetProperty("leaves").EnumerateArray().Select(l => MerkleTree.LeafHash(Hex(l))).ToList();

    public static List<Hash> NumberedLeafHashes(int count) =>
        Enumerable.Range(0, count).Select(i => MerkleTree.LeafHash(System.Text.Encoding.UTF8.GetBytes($"leaf {i}"))).ToList();
}
