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

    /// <param name="links">The batch's events in sequence order, each with its canonical text
    /// (<see cref="ChainTables.Canonical"/>), computed before the lock so the lock covers only the head, the hashing and the insert.</param>
    public static async Task ExtendAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<(long Seq, byte[] Text)> links,
        Ingest.IngestPhases? phases, CancellationToken ct)
    {
        var s = LedgerStore.Schema;
        long position = 0;
        var hash = ChainHash.Genesis;
        await using (var batch = new NpgsqlBatch(conn, tx))
        {
            batch.BatchCommands.Add(SqlBatch.Command("select pg_advisory_xact_lock(@class, 0)", ("class", ChainLockClass)));
            batch.BatchCommands.Add(SqlBatch.Command($"select position, hash from {s}.{ChainTables.Links} order by position desc limit 1"));
            await using var r = await batch.ExecuteReaderAsync(ct);
            await r.NextResultAsync(ct);
            if (await r.ReadAsync(ct)) (position, hash) = (r.GetInt64(0), (byte[])r[1]);
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
        await using var insert = new NpgsqlCommand(
            $"insert into {s}.{ChainTables.Links} (position, seq, hash) select * from unnest(@positions, @seqs, @hashes)", conn, tx);
        insert.Parameters.AddWithValue("positions", positions);
        insert.Parameters.AddWithValue("seqs", links.Select(t => t.Seq).ToArray());
        insert.Parameters.AddWithValue("hashes", hashes);
        await insert.ExecuteNonQueryAsync(ct);
        phases?.Mark("chain_extend");
    }
}
