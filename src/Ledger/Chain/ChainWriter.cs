using Ledger.Storage;
using Npgsql;

namespace Ledger.Chain;

/// <summary>
/// Extends the chain with a batch's events inside the ingest transaction. A global
/// transaction lock serialises only this last step (and the commit after it), so links are
/// in commit order and every committed event has exactly one. The transparency log grows in the
/// same step (contract 1.6): entry i is the event at chain position i+1, so an acknowledged event
/// is always in the tree. A log that is not level with the chain (a ledger from before the log,
/// still being built by <see cref="LogBackfill"/>) is left to the backfill.
/// </summary>
public static class ChainWriter
{
    private const int ChainLockClass = 0x4C45_4443; // "LEDC"

    /// <param name="links">The batch's events in sequence order, each with its canonical text
    /// (<see cref="ChainTables.Canonical"/>), computed before the lock so the lock covers only the head, the hashing and the insert.</param>
    /// <param name="log">Signs the log's checkpoints (its name is the log's origin); null leaves the log alone.</param>
    /// <returns>The checkpoint the log signed for this batch and the batch's entries, or null when the log did not grow.</returns>
    public static async Task<LogGrowth?> ExtendAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<(long Seq, Guid Id, byte[] Text)> links,
        Transparency.INoteSigner? log, Ingest.IngestPhases? phases, CancellationToken ct)
    {
        var s = LedgerStore.Schema;
        long position = 0;
        var hash = ChainHash.Genesis;
        // Hashed before the lock: only the positions wait for it.
        var textHashes = log is null ? null : links.Select(l => Transparency.Hash.Sha256(l.Text)).ToArray();
        LogHead logHead;
        await using (var batch = new NpgsqlBatch(conn, tx))
        {
            batch.BatchCommands.Add(Lock());
            batch.BatchCommands.Add(SqlBatch.Command($"select position, hash from {s}.{ChainTables.Links} order by position desc limit 1"));
            // A ledger that keeps no log reads nothing of it under the lock.
            if (log is not null)
                foreach (var c in LogAppender.HeadCommands()) batch.BatchCommands.Add(c);
            await using var r = await batch.ExecuteReaderAsync(ct);
            await r.NextResultAsync(ct);
            if (await r.ReadAsync(ct)) (position, hash) = (r.GetInt64(0), (byte[])r[1]);
            logHead = log is null ? new LogHead(-1, new Dictionary<(int, long), byte[]>())
                : await r.NextResultAsync(ct) ? await LogAppender.ReadHeadAsync(r, ct) : throw new InvalidOperationException("the log's head was not read");
        }
        phases?.Mark("chain_lock_head");

        var positions = new long[links.Count];
        var hashes = new byte[links.Count][];
        for (var i = 0; i < links.Count; i++)
        {
            hash = ChainHash.Next(hash, links[i].Text);
            positions[i] = ++position;
            hashes[i] = hash;
        }
        var writes = new List<NpgsqlBatchCommand>
        {
            SqlBatch.Command($"insert into {s}.{ChainTables.Links} (position, seq, hash) select * from unnest(@positions, @seqs, @hashes)",
                ("positions", positions), ("seqs", links.Select(t => t.Seq).ToArray()), ("hashes", hashes)),
        };
        LogGrowth? growth = null;
        if (log is not null && logHead.Size == positions[0] - 1)
        {
            var entries = links.Select((l, i) => new Transparency.LedgerEntry(positions[i], l.Id, textHashes![i]).ToBytes()).ToList();
            var (logWrites, checkpoint) = LogAppender.Append(logHead, entries, log, DateTime.UtcNow);
            writes.AddRange(logWrites);
            growth = new LogGrowth(checkpoint,
                links.Select((l, i) => new ReceiptEntry(l.Id, positions[i] - 1, System.Text.Encoding.ASCII.GetString(entries[i]))).ToList());
        }
        await SqlBatch.ExecuteAsync(conn, tx, writes, ct);
        phases?.Mark("chain_extend");
        return growth;
    }

    /// <summary>The chain's lock, held to the end of the transaction: whoever extends the chain or the log takes it first.</summary>
    public static NpgsqlBatchCommand Lock() => SqlBatch.Command("select pg_advisory_xact_lock(@class, 0)", ("class", ChainLockClass));
}
