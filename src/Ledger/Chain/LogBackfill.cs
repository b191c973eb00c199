using Ledger.Storage;
using Ledger.Transparency;
using Npgsql;

namespace Ledger.Chain;

/// <summary>
/// Builds the log of a ledger whose chain is ahead of it (one from before the log): entries from
/// the chain and the events' canonical texts as PostgreSQL renders them (the text the chain
/// hashes), appended in chunks, each in its own transaction under the chain's lock. Interrupted,
/// it resumes where the last committed chunk ended; the ingest leaves the log to it until the two
/// are level, then grows it itself.
/// </summary>
public static class LogBackfill
{
    public const int Chunk = 5_000;

    /// <summary>Appends one chunk (<paramref name="chunk"/> entries at most); returns (log size, chain length) after it. Equal sizes: nothing left to do.</summary>
    public static async Task<(long Log, long Chain)> StepAsync(NpgsqlDataSource db, INoteSigner signer, CancellationToken ct, int chunk = Chunk)
    {
        var s = LedgerStore.Schema;
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        long chain;
        LogHead head;
        await using (var batch = new NpgsqlBatch(conn, tx))
        {
            batch.BatchCommands.Add(ChainWriter.Lock());
            batch.BatchCommands.Add(SqlBatch.Command($"select coalesce(max(position), 0) from {s}.{ChainTables.Links}"));
            foreach (var c in LogAppender.HeadCommands()) batch.BatchCommands.Add(c);
            await using var r = await batch.ExecuteReaderAsync(ct);
            await r.NextResultAsync(ct);
            await r.ReadAsync(ct);
            chain = r.GetInt64(0);
            await r.NextResultAsync(ct);
            head = await LogAppender.ReadHeadAsync(r, ct);
        }
        if (head.Size >= chain) return (head.Size, chain);

        var entries = new List<byte[]>();
        await using (var cmd = new NpgsqlCommand($"""
            select c.position, e.id, convert_to({ChainTables.CanonicalText}, 'UTF8')
            from {s}.{ChainTables.Links} c join {s}.mt_events e on e.seq_id = c.seq
            where c.position > @from and c.position <= @to order by c.position
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue("from", head.Size);
            cmd.Parameters.AddWithValue("to", head.Size + chunk);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var position = r.GetInt64(0);
                if (position != head.Size + entries.Count + 1)
                    throw new InvalidOperationException($"the chain has no link at position {head.Size + entries.Count + 1} (or its event is missing): run verify");
                entries.Add(LedgerEntry.For(position, r.GetGuid(1), (byte[])r[2]).ToBytes());
            }
        }
        if (entries.Count == 0) throw new InvalidOperationException($"the chain's link {head.Size + 1} has no event: run verify");
        var (writes, checkpoint) = LogAppender.Append(head, entries, signer, DateTime.UtcNow);
        await SqlBatch.ExecuteAsync(conn, tx, writes, ct);
        await tx.CommitAsync(ct);
        return (checkpoint.Size, chain);
    }
}
