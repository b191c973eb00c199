using Ledger.Storage;
using Ledger.Transparency;
using Npgsql;

namespace Ledger.Chain;

/// <summary>
/// Reads one database's log: its checkpoints, its tiles at any width a checkpointed size has,
/// and proofs built from those tiles (never from the events: what is served is what is stored).
/// </summary>
public sealed class LogReader(NpgsqlDataSource db)
{
    private static readonly string S = LedgerStore.Schema;

    /// <summary>The newest checkpoint, or the one of exactly <paramref name="size"/>; null when there is none.</summary>
    public async Task<SignedCheckpoint?> CheckpointAsync(long? size, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(size is null
            ? $"select size, root, note from {S}.{LogTables.Checkpoints} order by size desc limit 1"
            : $"select size, root, note from {S}.{LogTables.Checkpoints} where size = $1");
        if (size is not null) cmd.Parameters.Add(new NpgsqlParameter { Value = size.Value });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? new SignedCheckpoint(r.GetInt64(0), Hash.FromBytes((byte[])r[1]), r.GetString(2)) : null;
    }

    /// <summary>
    /// The checkpoint given to readers (the log's <c>checkpoint</c> resource, evidence bundles):
    /// the newest one that meets the witness policy, its cosignatures joined to the note. Without
    /// witnesses (no policy, or <c>quorum none</c>) the newest log-signed one.
    /// </summary>
    public Task<SignedCheckpoint?> ServedCheckpointAsync(CancellationToken ct) => CheckpointAsync(null, ct);

    /// <summary>
    /// A tile's bytes as a tree of some checkpointed size has it (a full tile once it is full; a
    /// partial one only at a width some checkpoint had), or null.
    /// </summary>
    public async Task<byte[]?> TileAsync(Tile tile, CancellationToken ct)
    {
        if (!tile.IsFull && !await CheckpointedWidthAsync(tile, ct)) return null;
        await using var cmd = db.CreateCommand($"""
            select data from {S}.{LogTables.Tiles} where level = $1 and n = $2
            union all select data from {S}.{LogTables.Edge} where level = $1 and n = $2
            limit 1
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = tile.Level });
        cmd.Parameters.Add(new NpgsqlParameter { Value = tile.N });
        if (await cmd.ExecuteScalarAsync(ct) is not byte[] data) return null;
        return tile.IsEntries ? BundlePrefix(data, tile.Width) : Prefix(data, tile.Width * Hash.Size);
    }

    /// <summary>Stored hashes for a tree of <paramref name="size"/>, loaded tile by tile.</summary>
    public async Task<IHashReader> HashesAsync(IEnumerable<long> storedIndexes, long size, CancellationToken ct)
    {
        var tiles = new Dictionary<(int, long), byte[]>();
        foreach (var tile in TileHashReader.TilesFor(storedIndexes, size))
            tiles[(tile.Level, tile.N)] = await TileAsync(tile, ct) ?? throw new InvalidOperationException($"the log has no {tile.Path} for size {size}");
        return new TileHashReader(tiles);
    }

    /// <summary>Entry <paramref name="index"/>'s bytes, from its bundle.</summary>
    public async Task<byte[]?> EntryAsync(long index, long size, CancellationToken ct)
    {
        var n = index / Tile.FullWidth;
        var bundle = await TileAsync(Tile.Entries(n, Tile.WidthIn(0, n, size)), ct);
        return bundle is not null && EntryBundle.TryDecode(bundle, out var entries) ? entries[(int)(index % Tile.FullWidth)] : null;
    }

    public async Task<IReadOnlyList<Hash>> InclusionAsync(long index, long size, CancellationToken ct) =>
        InclusionProof.Build(index, size, await HashesAsync(InclusionProof.Needed(index, size), size, ct));

    public async Task<IReadOnlyList<Hash>> ConsistencyAsync(long from, long to, CancellationToken ct) =>
        ConsistencyProof.Build(from, to, await HashesAsync(ConsistencyProof.Needed(from, to), to, ct));

    /// <summary>Whether some checkpoint's tree has this tile at exactly this width.</summary>
    private async Task<bool> CheckpointedWidthAsync(Tile tile, CancellationToken ct)
    {
        // Width W at level L means a size in [start + W·256^L, start + (W+1)·256^L).
        var level = Math.Max(tile.Level, 0);
        if (level > 6) return false;
        var unit = 1L << (Tile.Height * level);
        var low = tile.StartLeaf + tile.Width * unit;
        await using var cmd = db.CreateCommand($"select exists (select 1 from {S}.{LogTables.Checkpoints} where size >= $1 and size < $2)");
        cmd.Parameters.Add(new NpgsqlParameter { Value = low });
        cmd.Parameters.Add(new NpgsqlParameter { Value = low + unit });
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static byte[]? Prefix(byte[] data, int length) => data.Length >= length ? data[..length] : null;

    private static byte[]? BundlePrefix(byte[] bundle, int count) =>
        EntryBundle.TryDecode(bundle, out var entries) && entries.Count >= count ? EntryBundle.Encode(entries.Take(count).ToList()) : null;
}
