namespace Ledger.Transparency;

/// <summary>
/// Reads stored hashes by their <see cref="StoredHashes.Index"/>. The tree code asks for all it
/// needs in one call, in increasing order, so a store can answer with one query.
/// </summary>
public interface IHashReader
{
    /// <summary>One hash per index, in the same order; throws if any is missing.</summary>
    IReadOnlyList<Hash> ReadHashes(IReadOnlyList<long> indexes);
}

/// <summary>Stored hashes held in memory, dense from index 0 (tests, and a tree rebuilt from its entries).</summary>
public sealed class HashList(IReadOnlyList<Hash> hashes) : IHashReader
{
    public IReadOnlyList<Hash> ReadHashes(IReadOnlyList<long> indexes)
    {
        var result = new Hash[indexes.Count];
        for (var i = 0; i < result.Length; i++)
        {
            var index = indexes[i];
            if (index < 0 || index >= hashes.Count) throw new KeyNotFoundException($"no stored hash at index {index}");
            result[i] = hashes[(int)index];
        }
        return result;
    }
}

/// <summary>Stored hashes already fetched by index (the two-step use: ask which indexes, read them, compute).</summary>
public sealed class HashLookup(IReadOnlyDictionary<long, Hash> hashes) : IHashReader
{
    public IReadOnlyList<Hash> ReadHashes(IReadOnlyList<long> indexes) =>
        indexes.Select(i => hashes.TryGetValue(i, out var h) ? h : throw new KeyNotFoundException($"no stored hash at index {i}")).ToArray();
}
