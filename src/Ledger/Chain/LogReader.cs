using Ledger.Storage;
using Ledger.Transparency;
using System.Runtime.CompilerServices;
using Npgsql;

namespace Ledger.Chain;

/// <summary>One entry of a log and its inclusion proof in a tree of some size.</summary>
public sealed record LogInclusion(long Index, byte[] Entry, IReadOnlyList<Hash> Proof);

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
    public async Task<SignedCheckpoint?> CheckpointAsync(long? size, CancellationToken ct) =>
        await OneAsync(CheckpointCommand(size), ReadCheckpointAsync, ct);

    /// <summary>
    /// The checkpoint given to readers (the log's <c>checkpoint</c> resource, proofs without a size,
    /// evidence bundles): the newest one whose cosignatures meet the witness policy, joined to the
    /// note. Without witnesses (no policy, or <c>quorum none</c>) the newest log-signed one.
    /// </summary>
    public async Task<SignedCheckpoint?> ServedCheckpointAsync(CancellationToken ct) =>
        await OneAsync(ServedCommand(), ReadServedAsync, ct);

    private static NpgsqlBatchCommand CheckpointCommand(long? size)
    {
        var cmd = new NpgsqlBatchCommand($"""
            select c.size, c.root, c.note, (select string_agg(w.line, '' order by w.witness) from {S}.{LogTables.Cosignatures} w where w.size = c.size)
            from {S}.{LogTables.Checkpoints} c {(size is null ? "order by c.size desc limit 1" : "where c.size = $1")}
            """);
        if (size is not null) cmd.Parameters.Add(new NpgsqlParameter { Value = size.Value });
        return cmd;
    }

    private static async Task<SignedCheckpoint?> ReadCheckpointAsync(NpgsqlDataReader r, CancellationToken ct) =>
        await r.ReadAsync(ct) ? Cosigned(r.GetInt64(0), (byte[])r[1], r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3)) : null;

    private NpgsqlBatchCommand ServedCommand() =>
        policy is not { NeedsCosignatures: true } ? CheckpointCommand(null)
            // Witnesses cosign only the checkpoints submitted to them, so few sizes have cosignatures;
            // the newest few of those are enough (an older one meeting the quorum is older still).
            : new NpgsqlBatchCommand($"""
                select c.size, c.root, c.note, string_agg(w.line, '' order by w.witness)
                from {S}.{LogTables.Checkpoints} c join {S}.{LogTables.Cosignatures} w on w.size = c.size
                group by c.size order by c.size desc limit 64
                """);

    private async Task<SignedCheckpoint?> ReadServedAsync(NpgsqlDataReader r, CancellationToken ct)
    {
        if (policy is not { NeedsCosignatures: true }) return await ReadCheckpointAsync(r, ct);
        while (await r.ReadAsync(ct))
        {
            var candidate = Cosigned(r.GetInt64(0), (byte[])r[1], r.GetString(2), r.GetString(3));
            if (policy.IsMetBy(policy.CosignedBy(SignedNote.Parse(candidate.Note)))) return candidate;
        }
        return null;
    }

    /// <summary>
    /// A checkpoint (of <paramref name="size"/>, or the served one) and entry <paramref name="index"/>'s
    /// inclusion proof in its tree. The tiles are read in the same round trip as the checkpoint, for the
    /// size this process last served (or the size asked): only when the log has grown since are they
    /// read again. Null inclusion when there is no such checkpoint or the index is not in its tree.
    /// </summary>
    public async Task<(SignedCheckpoint? Checkpoint, LogInclusion? Inclusion)> InclusionAsync(long index, long? size, CancellationToken ct)
    {
        var guess = size ?? LastServed.GetOrCreateValue(db).Value;
        var needed = index < guess ? InclusionTiles([index], guess) : null;
        SignedCheckpoint? checkpoint;
        Dictionary<(int Level, long N), byte[]>? tiles = null;
        await using (var conn = await db.OpenConnectionAsync(ct))
        await using (var batch = new NpgsqlBatch(conn))
        {
            batch.BatchCommands.Add(size is null ? ServedCommand() : CheckpointCommand(size));
            if (needed is not null) batch.BatchCommands.Add(TilesCommand(needed));
            await using var r = await batch.ExecuteReaderAsync(ct);
            checkpoint = size is null ? await ReadServedAsync(r, ct) : await ReadCheckpointAsync(r, ct);
            if (needed is not null && await r.NextResultAsync(ct)) tiles = await ReadTilesAsync(r, needed, ct);
        }
        if (checkpoint is null || index >= checkpoint.Size) return (checkpoint, null);
        if (size is null) LastServed.GetOrCreateValue(db).Value = checkpoint.Size;
        if (checkpoint.Size != guess)
        {
            needed = InclusionTiles([index], checkpoint.Size);
            tiles = await TilesAsync(needed, ct);
        }
        return (checkpoint, Inclusions([index], checkpoint.Size, Require(tiles!, needed!, checkpoint.Size))[0]);
    }

    /// <summary>The size each database's served checkpoint had when this process last read it: the guess <see cref="InclusionAsync"/> reads tiles for.</summary>
    private static readonly ConditionalWeakTable<NpgsqlDataSource, StrongBox<long>> LastServed = new();

    private async Task<T?> OneAsync<T>(NpgsqlBatchCommand command, Func<NpgsqlDataReader, CancellationToken, Task<T?>> read, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(conn) { BatchCommands = { command } };
        await using var r = await batch.ExecuteReaderAsync(ct);
        return await read(r, ct);
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
        return (await TilesAsync([tile], ct)).GetValueOrDefault((tile.Level, tile.N));
    }

    /// <summary>Stored hashes for a tree of <paramref name="size"/> (a checkpointed one), from one read of the tiles holding them.</summary>
    public async Task<IHashReader> HashesAsync(IEnumerable<long> storedIndexes, long size, CancellationToken ct)
    {
        var needed = TileHashReader.TilesFor(storedIndexes, size);
        return new TileHashReader(Require(await TilesAsync(needed, ct), needed, size));
    }

    /// <summary>
    /// Each entry's bytes and inclusion proof in the tree of <paramref name="size"/> (a checkpointed
    /// one), in the order asked: every hash tile and entry bundle they need is read in one query, so
    /// an evidence bundle of a thousand events costs one round trip, not one per event and tile.
    /// </summary>
    public async Task<IReadOnlyList<LogInclusion>> InclusionsAsync(IReadOnlyList<long> indexes, long size, CancellationToken ct)
    {
        var needed = InclusionTiles(indexes, size);
        return Inclusions(indexes, size, Require(await TilesAsync(needed, ct), needed, size));
    }

    private static List<Tile> InclusionTiles(IReadOnlyList<long> indexes, long size) =>
    [
        .. TileHashReader.TilesFor(indexes.SelectMany(i => InclusionProof.Needed(i, size)), size),
        .. indexes.Select(i => i / Tile.FullWidth).Distinct().Select(n => Tile.Entries(n, Tile.WidthIn(0, n, size))),
    ];

    private static List<LogInclusion> Inclusions(IReadOnlyList<long> indexes, long size, Dictionary<(int Level, long N), byte[]> tiles)
    {
        var hashes = new TileHashReader(tiles);
        return indexes.Select(i => new LogInclusion(i, EntryBundle.EntryAt(tiles[(Tile.EntriesLevel, i / Tile.FullWidth)], (int)(i % Tile.FullWidth)),
            InclusionProof.Build(i, size, hashes))).ToList();
    }

    public async Task<IReadOnlyList<Hash>> ConsistencyAsync(long from, long to, CancellationToken ct) =>
        ConsistencyProof.Build(from, to, await HashesAsync(ConsistencyProof.Needed(from, to), to, ct));

    /// <summary>
    /// The tiles' bytes at the widths asked, in one query: a full tile from <c>log_tiles</c>, a
    /// partial one cut from whichever row holds its (L, N) now, as wide or wider. Absent ones are left out.
    /// </summary>
    private async Task<Dictionary<(int Level, long N), byte[]>> TilesAsync(IReadOnlyList<Tile> tiles, CancellationToken ct) =>
        (await OneAsync(TilesCommand(tiles), (r, c) => ReadTilesAsync(r, tiles, c)!, ct))!;

    private static NpgsqlBatchCommand TilesCommand(IReadOnlyList<Tile> tiles)
    {
        // Lookups by key for each tile asked: a join lets the planner guess the array's size and
        // scan the whole tile table (tens of thousands of rows at ten million entries).
        var cmd = new NpgsqlBatchCommand($"""
            select t.level, t.n, coalesce(
                (select f.data from {S}.{LogTables.Tiles} f where f.level = t.level and f.n = t.n),
                (select e.data from {S}.{LogTables.Edge} e where e.level = t.level and e.n = t.n))
            from unnest($1::int[], $2::bigint[]) as t(level, n)
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = tiles.Select(t => t.Level).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = tiles.Select(t => t.N).ToArray() });
        return cmd;
    }

    private static async Task<Dictionary<(int Level, long N), byte[]>> ReadTilesAsync(NpgsqlDataReader r, IReadOnlyList<Tile> tiles, CancellationToken ct)
    {
        var widths = tiles.ToDictionary(t => (t.Level, t.N), t => t.Width);
        var found = new Dictionary<(int, long), byte[]>();
        while (await r.ReadAsync(ct))
        {
            if (r.IsDBNull(2)) continue;
            var (level, n, data) = (r.GetInt32(0), r.GetInt64(1), (byte[])r[2]);
            var width = widths[(level, n)];
            if ((level == Tile.EntriesLevel ? BundlePrefix(data, width) : Prefix(data, width * Hash.Size)) is { } cut) found[(level, n)] = cut;
        }
        return found;
    }

    private static Dictionary<(int Level, long N), byte[]> Require(Dictionary<(int Level, long N), byte[]> found, IReadOnlyList<Tile> needed, long size)
    {
        foreach (var tile in needed.Where(t => !found.ContainsKey((t.Level, t.N))))
            throw new InvalidOperationException($"the log has no {tile.Path} for size {size}");
        return found;
    }

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
        EntryBundle.PrefixLength(bundle, count) switch
        {
            < 0 => null,
            var length when length == bundle.Length => bundle, // a bundle asked for whole: no copy
            var length => bundle[..length],
        };
}
