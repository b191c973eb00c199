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

    public static async Task ExtendAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long[] sequences, CancellationToken ct)
    {
        var s = LedgerStore.Schema;
        // Our own rows, read before the global lock: the lock then covers only the head, the hashing and the insert.
        var texts = new List<(long Seq, string Text)>();
        await using (var read = new NpgsqlCommand(
            $"select e.seq_id, {ChainTables.CanonicalText} from {s}.mt_events e where e.seq_id = any(@seqs) order by e.seq_id", conn, tx))
        {
            read.Parameters.AddWithValue("seqs", sequences);
            await using var r = await read.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) texts.Add((r.GetInt64(0), r.GetString(1)));
        }

        await using (var lockCmd = new NpgsqlCommand("select pg_advisory_xact_lock(@class, 0)", conn, tx))
        {
            lockCmd.Parameters.AddWithValue("class", ChainLockClass);
            await lockCmd.ExecuteNonQueryAsync(ct);
        }

        long position = 0;
        var hash = ChainHash.Genesis;
        await using (var head = new NpgsqlCommand($"select position, hash from {s}.{ChainTables.Links} order by position desc limit 1", conn, tx))
        await using (var r = await head.ExecuteReaderAsync(ct))
            if (await r.ReadAsync(ct))
                (position, hash) = (r.GetInt64(0), (byte[])r[1]);

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
    }
}
