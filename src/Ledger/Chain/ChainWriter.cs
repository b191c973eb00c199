using Ledger.Storage;
using Npgsql;

namespace Ledger.Chain;

/// <summary>
/// Extends the chain with a batch's events inside the ingest transaction. A global
/// transaction lock serialises only this last step (and the commit after it), so links are
/// in commit order and every committed event has exactly one.
/// </summary>
public static class ChainWriter
{
    private const int ChainLockClass = 0x4C45_4443; // "LEDC"

    public static async Task ExtendAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long[] sequences, Ingest.IngestPhases? phases,
        CancellationToken ct)
    {
        var s = LedgerStore.Schema;
        // One round trip: our own rows are read first, then the global lock is taken, then the head read under it,
        // so the lock covers only the head, the hashing and the insert.
        var texts = new List<(long Seq, string Text)>();
        long position = 0;
        var hash = ChainHash.Genesis;
        await using (var batch = new NpgsqlBatch(conn, tx))
        {
            batch.BatchCommands.Add(SqlBatch.Command(
                $"select e.seq_id, {ChainTables.CanonicalText} from {s}.mt_events e where e.seq_id = any(@seqs) order by e.seq_id", ("seqs", sequences)));
            batch.BatchCommands.Add(SqlBatch.Command("select pg_advisory_xact_lock(@class, 0)", ("class", ChainLockClass)));
            batch.BatchCommands.Add(SqlBatch.Command($"select position, hash from {s}.{ChainTables.Links} order by position desc limit 1"));
            await using var r = await batch.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) texts.Add((r.GetInt64(0), r.GetString(1)));
            await r.NextResultAsync(ct);
            await r.NextResultAsync(ct);
            if (await r.ReadAsync(ct)) (position, hash) = (r.GetInt64(0), (byte[])r[1]);
        }
        phases?.Mark("chain_read_lock_head");

        var positions = new long[texts.Count];
        var hashes = new byte[texts.Count][];
        for (var i = 0; i < texts.Count; i++)
        {
            hash = ChainHash.Next(hash, texts[i].Text);
            positions[i] = ++position;
            hashes[i] = hash;
        }
        await using var insert = new NpgsqlCommand(
            $"insert into {s}.{ChainTables.Links} (position, seq, hash) select * from unnest(@positions, @seqs, @hashes)", conn, tx);
        insert.Parameters.AddWithValue("positions", positions);
        insert.Parameters.AddWithValue("seqs", texts.Select(t => t.Seq).ToArray());
        insert.Parameters.AddWithValue("hashes", hashes);
        await insert.ExecuteNonQueryAsync(ct);
        phases?.Mark("chain_extend");
    }
}
