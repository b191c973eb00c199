using Ledger.Storage;
using Ledger.Transparency;
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
        List<Tile> needed =
        [
            .. TileHashReader.TilesFor(indexes.SelectMany(i => InclusionProof.Needed(i, size)), size),
            .. indexes.Select(i => i / Tile.FullWidth).Distinct().Select(n => Tile.Entries(n, Tile.WidthIn(0, n, size))),
        ];
        var tiles = Require(await TilesAsync(needed, ct), needed, size);
        var hashes = new TileHashReader(tiles);
        // Each bundle decoded once, however many of the entries asked for are in it.
        var bundles = indexes.Select(i => i / Tile.FullWidth).Distinct().ToDictionary(n => n, n => EntryBundle.Decode(tiles[(Tile.EntriesLevel, n)]));
        return indexes.Select(i => new LogInclusion(i, bundles[i / Tile.FullWidth][(int)(i % Tile.FullWidth)], InclusionProof.Build(i, size, hashes))).ToList();
    }

    public async Task<IReadOnlyList<Hash>> ConsistencyAsync(long from, long to, CancellationToken ct) =>
        ConsistencyProof.Build(from, to, await HashesAsync(ConsistencyProof.Needed(from, to), to, ct));

    /// <summary>
    /// The tiles' bytes at the widths asked, in one query: a full tile from <c>log_tiles</c>, a
    /// partial one cut from whichever row holds its (L, N) now, as wide or wider. Absent ones are left out.
    /// </summary>
    private async Task<Dictionary<(int Level, long N), byte[]>> TilesAsync(IReadOnlyList<Tile> tiles, CancellationToken ct)
    {
        // Lookups by key for each tile asked: a join lets the planner guess the array's size and
        // scan the whole tile table (tens of thousands of rows at ten million entries).
        await using var cmd = db.CreateCommand($"""
            select t.level, t.n, coalesce(
                (select f.data from {S}.{LogTables.Tiles} f where f.level = t.level and f.n = t.n),
                (select e.data from {S}.{LogTables.Edge} e where e.level = t.level and e.n = t.n))
            from unnest($1::int[], $2::bigint[]) as t(level, n)
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = tiles.Select(t => t.Level).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter { Value = tiles.Select(t => t.N).ToArray() });
        var widths = tiles.ToDictionary(t => (t.Level, t.N), t => t.Width);
        var found = new Dictionary<(int, long), byte[]>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
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
        !EntryBundle.TryDecode(bundle, out var entries) || entries.Count < count ? null
        : entries.Count == count ? bundle // a full bundle asked for whole: no copy
        : EntryBundle.Encode(entries.Take(count).ToList());
}
