using Ledger.Storage;
using Ledger.Transparency;
using Npgsql;

namespace Ledger.Chain;

/// <summary>One event's place in the log: its index and entry text.</summary>
public sealed record ReceiptEntry(Guid EventId, long Index, string Entry);

/// <summary>
/// What a writer keeps of an accepted batch (contract 1.6): a checkpoint signed by the log whose
/// size covers every event of the batch, and each event's index and entry. With it the writer can
/// later ask for an inclusion proof at that size and a consistency proof to any newer checkpoint.
/// </summary>
public sealed record Receipt(string Log, string Checkpoint, IReadOnlyList<ReceiptEntry> Entries);

/// <summary>What the log gained in one batch: the checkpoint it signed and each new event's entry.</summary>
public sealed record LogGrowth(SignedCheckpoint Checkpoint, IReadOnlyList<ReceiptEntry> Entries);

public static class Receipts
{
    private static readonly string S = LedgerStore.Schema;

    /// <summary>
    /// The batch's receipt, inside its transaction: the events it appended from <paramref name="growth"/>,
    /// the duplicates from their stored rows. Null while the log is behind the chain (being built).
    /// </summary>
    public static async Task<Receipt?> ForAsync(NpgsqlConnection conn, NpgsqlTransaction tx, INoteSigner log, LogGrowth? growth,
        IReadOnlyList<Guid> batchOrder, IReadOnlyCollection<Guid> duplicates, CancellationToken ct)
    {
        var entries = growth?.Entries.ToDictionary(e => e.EventId) ?? [];
        if (duplicates.Count > 0)
        {
            await using var cmd = new NpgsqlCommand($"""
                select e.id, c.position, convert_to({ChainTables.CanonicalText}, 'UTF8')
                from {S}.mt_events e join {S}.{ChainTables.Links} c on c.seq = e.seq_id where e.id = any(@ids)
                """, conn, tx);
            cmd.Parameters.AddWithValue("ids", duplicates.ToArray());
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var entry = LedgerEntry.For(r.GetInt64(1), r.GetGuid(0), (byte[])r[2]);
                entries[entry.EventId] = new ReceiptEntry(entry.EventId, entry.Index, System.Text.Encoding.ASCII.GetString(entry.ToBytes()));
            }
        }
        var checkpoint = growth?.Checkpoint;
        if (checkpoint is null)
        {
            await using var cmd = new NpgsqlCommand($"select size, root, note from {S}.{LogTables.Checkpoints} order by size desc limit 1", conn, tx);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            if (await r.ReadAsync(ct)) checkpoint = new SignedCheckpoint(r.GetInt64(0), Hash.FromBytes((byte[])r[1]), r.GetString(2));
        }
        if (checkpoint is null || entries.Count != batchOrder.Distinct().Count() || entries.Values.Any(e => e.Index >= checkpoint.Size)) return null;
        return new Receipt(log.Name, checkpoint.Note, batchOrder.Distinct().Select(id => entries[id]).ToList());
    }
}
