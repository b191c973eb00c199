using Ledger.Storage;
using Ledger.Transparency;
using Npgsql;
using NpgsqlTypes;

namespace Ledger.Chain;

/// <summary>The log as an append needs it: its size (the newest checkpoint's) and its right edge.</summary>
public sealed record LogHead(long Size, IReadOnlyDictionary<(int Level, long N), byte[]> Edge);

/// <summary>A checkpoint the log signed: the tree it names and the signed note as served.</summary>
public sealed record SignedCheckpoint(long Size, Hash Root, string Note);

/// <summary>
/// Grows the log by a batch of entries, in the transaction that appends their events, under the
/// chain's lock: reads the right edge, computes the new tiles and root, signs a checkpoint of the
/// new size, and returns the writes. Every batch gets its own checkpoint, so its receipt can name one.
/// </summary>
public static class LogAppender
{
    private static readonly string S = LedgerStore.Schema;

    /// <summary>The two reads of <see cref="ReadHeadAsync"/>, to run in the same round trip as the chain's head.</summary>
    public static IEnumerable<NpgsqlBatchCommand> HeadCommands() =>
    [
        SqlBatch.Command($"select coalesce(max(size), 0) from {S}.{LogTables.Checkpoints}"),
        SqlBatch.Command($"select level, n, data from {S}.{LogTables.Edge}"),
    ];

    /// <summary>Reads the results of <see cref="HeadCommands"/>, the reader positioned on the first.</summary>
    public static async Task<LogHead> ReadHeadAsync(NpgsqlDataReader r, CancellationToken ct)
    {
        await r.ReadAsync(ct);
        var size = r.GetInt64(0);
        await r.NextResultAsync(ct);
        var edge = new Dictionary<(int, long), byte[]>();
        while (await r.ReadAsync(ct)) edge[(r.GetInt32(0), r.GetInt64(1))] = (byte[])r[2];
        return new LogHead(size, edge);
    }

    public static (List<NpgsqlBatchCommand> Writes, SignedCheckpoint Checkpoint) Append(LogHead head, IReadOnlyList<byte[]> entries,
        INoteSigner signer, DateTime signedAtUtc)
    {
        var (_, checkpoint, tiles) = Compute(head, entries, signer);
        var full = tiles.Where(t => t.IsFull).ToList();
        var partial = tiles.Where(t => !t.IsFull).ToList();
        var filled = full.Select(t => t.Level).Distinct().Except(partial.Select(t => t.Level)).ToArray();
        var writes = new List<NpgsqlBatchCommand>
        {
            SqlBatch.Command($"insert into {S}.{LogTables.Tiles} (level, n, data) select * from unnest(@levels, @ns, @datas)",
                ("levels", full.Select(t => t.Level).ToArray()), ("ns", full.Select(t => t.N).ToArray()), ("datas", Bytea(full.Select(t => t.Data)))),
            SqlBatch.Command($"delete from {S}.{LogTables.Edge} where level = any(@filled)", ("filled", filled)),
            SqlBatch.Command($"""
                insert into {S}.{LogTables.Edge} (level, n, data) select * from unnest(@levels, @ns, @datas)
                on conflict (level) do update set n = excluded.n, data = excluded.data
                """,
                ("levels", partial.Select(t => t.Level).ToArray()), ("ns", partial.Select(t => t.N).ToArray()), ("datas", Bytea(partial.Select(t => t.Data)))),
            SqlBatch.Command($"insert into {S}.{LogTables.Checkpoints} (size, root, note, signed_at) values (@size, @root, @note, @at)",
                ("size", checkpoint.Size), ("root", checkpoint.Root.ToArray()), ("note", checkpoint.Note), ("at", signedAtUtc)),
        };
        return (writes, checkpoint);
    }

    /// <summary>One stored tile as an append writes it: full ones once, the partial one of each level rewritten.</summary>
    public sealed record TileWrite(int Level, long N, bool IsFull, byte[] Data);

    /// <summary>The append's work without the database: the new tiles and bundles, the new root and its signed checkpoint.</summary>
    public static (Hash Root, SignedCheckpoint Checkpoint, IReadOnlyList<TileWrite> Tiles) Compute(LogHead head, IReadOnlyList<byte[]> entries, INoteSigner signer)
    {
        var hashEdge = head.Edge.Where(e => e.Key.Level >= 0).ToDictionary(e => e.Key, e => e.Value);
        var grown = TiledTree.Append(head.Size, entries.Select(e => MerkleTree.LeafHash(e)).ToList(), hashEdge);
        var tiles = grown.Tiles.Select(t => new TileWrite(t.Tile.Level, t.Tile.N, t.Tile.IsFull, t.Data))
            .Concat(Bundles(head, entries).Select(b => new TileWrite(b.Level, b.N, b.IsFull, b.Data))).ToList();
        var checkpoint = new SignedCheckpoint(grown.Size, grown.Root,
            SignedNote.Sign(new Transparency.Checkpoint(signer.Name, grown.Size, grown.Root).ToText(), signer).ToString());
        return (grown.Root, checkpoint, tiles);
    }

    /// <summary>The entry bundles the append fills or extends: the edge's partial bundle, then the new entries, 256 to a bundle.</summary>
    private static IEnumerable<(int Level, long N, bool IsFull, byte[] Data)> Bundles(LogHead head, IReadOnlyList<byte[]> entries)
    {
        var first = head.Size / Tile.FullWidth;
        var carried = head.Size % Tile.FullWidth == 0 ? []
            : head.Edge.TryGetValue((Tile.EntriesLevel, first), out var bundle) && EntryBundle.TryDecode(bundle, out var old) && old.Count == head.Size % Tile.FullWidth
                ? old
                : throw new InvalidOperationException($"the log's edge has no entry bundle {first} of {head.Size % Tile.FullWidth} entries");
        var all = carried.Concat(entries).ToList();
        for (var i = 0; i < all.Count; i += Tile.FullWidth)
        {
            var part = all.Skip(i).Take(Tile.FullWidth).ToList();
            yield return (Tile.EntriesLevel, first + i / Tile.FullWidth, part.Count == Tile.FullWidth, EntryBundle.Encode(part));
        }
    }

    private static NpgsqlParameter Bytea(IEnumerable<byte[]> values) =>
        new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea, Value = values.ToArray() };
}
