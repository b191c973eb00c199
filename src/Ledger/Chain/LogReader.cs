using Ledger.Storage;
using Ledger.Transparency;
using Npgsql;

namespace Ledger.Chain;

/// <summary>
/// Reads one database's log: its checkpoints, its tiles at any width a checkpointed size has,
/// and proofs built from those tiles (never from the events: what is served is what is stored).
/// </summary>
public sealed class LogReader(NpgsqlDataSource db, WitnessPolicy? policy = null)
{
    private static readonly string S = LedgerStore.Schema;

    /// <summary>
    /// The newest checkpoint, or the one of exactly <paramref name="size"/>, with every cosignature
    /// stored for it joined to the note; null when there is none.
    /// </summary>
    public async Task<SignedCheckpoint?> CheckpointAsync(long? size, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            select c.size, c.root, c.note, (select string_agg(w.line, '' order by w.witness) from {S}.{LogTables.Cosignatures} w where w.size = c.size)
            from {S}.{LogTables.Checkpoints} c {(size is null ? "order by c.size desc limit 1" : "where c.size = $1")}
            """);
        if (size is not null) cmd.Parameters.Add(new NpgsqlParameter { Value = size.Value });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? Cosigned(r.GetInt64(0), (byte[])r[1], r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3)) : null;
    }

    /// <summary>
    /// The checkpoint given to readers (the log's <c>checkpoint</c> resource, proofs without a size,
    /// evidence bundles): the newest one whose cosignatures meet the witness policy, joined to the
    /// note. Without witnesses (no policy, or <c>quorum none</c>) the newest log-signed one.
    /// </summary>
    public async Task<SignedCheckpoint?> ServedCheckpointAsync(CancellationToken ct)
    {
        if (policy is not { NeedsCosignatures: true }) return await CheckpointAsync(null, ct);
        // Witnesses cosign only the checkpoints submitted to them, so few sizes have cosignatures;
        // the newest few of those are enough (an older one meeting the quorum is older still).
        await using var cmd = db.CreateCommand($"""
            select c.size, c.root, c.note, string_agg(w.line, '' order by w.witness)
            from {S}.{LogTables.Checkpoints} c join {S}.{LogTables.Cosignatures} w on w.size = c.size
            group by c.size order by c.size desc limit 64
            """);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var candidate = Cosigned(r.GetInt64(0), (byte[])r[1], r.GetString(2), r.GetString(3));
            if (policy.IsMetBy(policy.CosignedBy(SignedNote.Parse(candidate.Note)))) return candidate;
        }
        return null;
    }

    private static SignedCheckpoint Cosigned(long size, byte[] root, string note, string? cosignatures) =>
        new(size, Hash.FromBytes(root), cosignatures is null
            ? note
            : SignedNote.Parse(note).WithSignatures(NoteSignature.ParseLines(cosignatures) ?? []).ToString());

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

    /// <summary>Stored hashes for a tree of <paramref name="size"/> (a checkpointed one), their tiles loaded in one query.</summary>
    public async Task<IReadOnlyDictionary<(int Level, long N), byte[]>> TilesAsync(IReadOnlyCollection<Tile> tiles, CancellationToken ct)
    {
        // Full tiles are in log_tiles, the right edge's partial ones in log_edge; a tile at the width
        // a checkpointed size gives it is a prefix of either.
        await using var cmd = db.CreateCommand($"""
            select t.level, t.n, coalesce(f.data, e.data)
            from unnest($1::int[], $2::bigint[]) as t(level, n)
            left join {S}.{LogTables.Tiles} f on f.level = t.level and f.n = t.n
            left join {S}.{LogTables.Edge} e on e.level = t.level and e.n = t.n
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = tiles.Select(t => t.Level).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = tiles.Select(t => t.N).ToArray() });
        var stored = new Dictionary<(int, long), byte[]>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                if (!r.IsDBNull(2)) stored[(r.GetInt32(0), r.GetInt64(1))] = (byte[])r[2];
        var result = new Dictionary<(int, long), byte[]>();
        foreach (var tile in tiles)
        {
            var data = stored.TryGetValue((tile.Level, tile.N), out var d) ? tile.IsEntries ? BundlePrefix(d, tile.Width) : Prefix(d, tile.Width * Hash.Size) : null;
            result[(tile.Level, tile.N)] = data ?? throw new InvalidOperationException($"the log has no {tile.Path}");
        }
        return result;
    }

    public async Task<IHashReader> HashesAsync(IEnumerable<long> storedIndexes, long size, CancellationToken ct) =>
        new TileHashReader(await TilesAsync(TileHashReader.TilesFor(storedIndexes, size).ToList(), ct));

    /// <summary>Entry <paramref name="index"/>'s bytes, from its bundle.</summary>
    public async Task<byte[]?> EntryAsync(long index, long size, CancellationToken ct) => (await InclusionWithEntryAsync(index, size, ct)).Entry;

    public async Task<IReadOnlyList<Hash>> InclusionAsync(long index, long size, CancellationToken ct) =>
        InclusionProof.Build(index, size, await HashesAsync(InclusionProof.Needed(index, size), size, ct));

    /// <summary>An entry's inclusion proof and its bytes, with every tile they need read in one query.</summary>
    public async Task<(IReadOnlyList<Hash> Proof, byte[] Entry)> InclusionWithEntryAsync(long index, long size, CancellationToken ct)
    {
        var needed = InclusionProof.Needed(index, size);
        var n = index / Tile.FullWidth;
        var bundle = Tile.Entries(n, Tile.WidthIn(0, n, size));
        var tiles = await TilesAsync([.. TileHashReader.TilesFor(needed, size), bundle], ct);
        var entries = EntryBundle.TryDecode(tiles[(bundle.Level, bundle.N)], out var decoded) ? decoded
            : throw new InvalidOperationException($"the log's {bundle.Path} is not an entry bundle");
        return (InclusionProof.Build(index, size, new TileHashReader(tiles)), entries[(int)(index % Tile.FullWidth)]);
    }

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
