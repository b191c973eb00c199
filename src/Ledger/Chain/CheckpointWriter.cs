using Ledger.Storage;
using NodaTime;
using Npgsql;

namespace Ledger.Chain;

/// <summary>Signs the chain's current head and stores the checkpoint (unless the head already has one).</summary>
public sealed class CheckpointWriter(NpgsqlDataSource db, CheckpointSigner signer, IClock clock)
{
    public async Task<Checkpoint?> WriteAsync(CancellationToken ct)
    {
        var s = LedgerStore.Schema;
        await using var conn = await db.OpenConnectionAsync(ct);
        long position;
        byte[] hash;
        await using (var head = new NpgsqlCommand($"select position, hash from {s}.{ChainTables.Links} order by position desc limit 1", conn))
        await using (var r = await head.ExecuteReaderAsync(ct))
        {
            if (!await r.ReadAsync(ct)) return null;
            (position, hash) = (r.GetInt64(0), (byte[])r[1]);
        }
        var checkpoint = signer.Sign(position, hash, Instant.FromUnixTimeTicks(clock.GetCurrentInstant().ToUnixTimeTicks() / 10 * 10));
        await using var insert = new NpgsqlCommand(
            $"insert into {s}.{ChainTables.Checkpoints} (position, hash, signed_at, signature) values (@p, @h, @t, @sig) on conflict (position) do nothing",
            conn);
        insert.Parameters.AddWithValue("p", checkpoint.Position);
        insert.Parameters.AddWithValue("h", checkpoint.Hash);
        insert.Parameters.AddWithValue("t", checkpoint.SignedAt.ToDateTimeUtc());
        insert.Parameters.AddWithValue("sig", checkpoint.Signature);
        return await insert.ExecuteNonQueryAsync(ct) == 1 ? checkpoint : null;
    }

    public async Task<IReadOnlyList<Checkpoint>> AllAsync(CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await ReadAsync(conn, null, ct);
    }

    public static async Task<List<Checkpoint>> ReadAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"select position, hash, signed_at, signature from {LedgerStore.Schema}.{ChainTables.Checkpoints} order by position", conn, tx);
        var list = new List<Checkpoint>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new Checkpoint(r.GetInt64(0), (byte[])r[1], Instant.FromDateTimeOffset(r.GetFieldValue<DateTimeOffset>(2)), (byte[])r[3]));
        return list;
    }
}
