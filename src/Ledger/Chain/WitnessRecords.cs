using Ledger.Storage;
using Npgsql;

namespace Ledger.Chain;

/// <summary>A witness's last answer as kept in a database: the size it last cosigned there, and its state.</summary>
public sealed record WitnessState(string Witness, long CosignedSize, string State, string? Detail, DateTimeOffset UpdatedAt);

/// <summary>A refusal that shows a fork: what was sent and what the witness answered.</summary>
public sealed record ForkEvidence(string Witness, long OldSize, string Checkpoint, int Status, string Answer, string Detail);

/// <summary>
/// What one database keeps of its witnesses (contract 1.6): cosignature lines per checkpoint
/// (insert-only), each witness's last answer (rewritten), and every refusal that shows a fork
/// (insert-only: the evidence outlives whatever the operator does next).
/// </summary>
public sealed class WitnessRecords(NpgsqlDataSource db)
{
    /// <summary>The states a witness's last answer leaves; only <see cref="Fork"/> makes the service unready.</summary>
    public const string Cosigned = "cosigned", Fork = "fork", Unreachable = "unreachable", UnknownLog = "unknown-log", Refused = "refused";

    private static readonly string S = LedgerStore.Schema;

    /// <summary>The newest checkpoint as the log signed it, without cosignatures: what is submitted.</summary>
    public async Task<SignedCheckpoint?> NewestAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"select size, root, note from {S}.{LogTables.Checkpoints} order by size desc limit 1");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? new SignedCheckpoint(r.GetInt64(0), Transparency.Hash.FromBytes((byte[])r[1]), r.GetString(2)) : null;
    }

    public async Task<IReadOnlyDictionary<string, WitnessState>> StatesAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"select witness, cosigned_size, state, detail, updated_at from {S}.{LogTables.Witnesses}");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var states = new Dictionary<string, WitnessState>(StringComparer.Ordinal);
        while (await r.ReadAsync(ct))
            states[r.GetString(0)] = new WitnessState(r.GetString(0), r.GetInt64(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
                r.GetFieldValue<DateTimeOffset>(4));
        return states;
    }

    /// <summary>Stores a verified cosignature line and moves the witness's cosigned size, in one transaction.</summary>
    public async Task CosignedAsync(string witness, long size, string line, DateTimeOffset at, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var insert = new NpgsqlCommand($"""
            insert into {S}.{LogTables.Cosignatures} (size, witness, line, received_at) values (@size, @witness, @line, @at)
            on conflict (size, witness) do nothing
            """, conn, tx))
        {
            insert.Parameters.AddWithValue("size", size);
            insert.Parameters.AddWithValue("witness", witness);
            insert.Parameters.AddWithValue("line", line);
            insert.Parameters.AddWithValue("at", at);
            await insert.ExecuteNonQueryAsync(ct);
        }
        await SetStateAsync(conn, tx, witness, size, Cosigned, null, at, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>Records a last answer that cosigned nothing; the cosigned size stays what it was.</summary>
    public async Task AnsweredAsync(string witness, string state, string detail, DateTimeOffset at, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await SetStateAsync(conn, null, witness, null, state, detail, at, ct);
    }

    /// <summary>Keeps the evidence of a fork and marks the witness as refusing.</summary>
    public async Task ForkAsync(ForkEvidence fork, DateTimeOffset at, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var insert = new NpgsqlCommand($"""
            insert into {S}.{LogTables.Forks} (witness, old_size, checkpoint, status, answer, detail, at)
            values (@witness, @old, @checkpoint, @status, @answer, @detail, @at)
            """, conn, tx))
        {
            insert.Parameters.AddWithValue("witness", fork.Witness);
            insert.Parameters.AddWithValue("old", fork.OldSize);
            insert.Parameters.AddWithValue("checkpoint", fork.Checkpoint);
            insert.Parameters.AddWithValue("status", fork.Status);
            insert.Parameters.AddWithValue("answer", fork.Answer);
            insert.Parameters.AddWithValue("detail", fork.Detail);
            insert.Parameters.AddWithValue("at", at);
            await insert.ExecuteNonQueryAsync(ct);
        }
        await SetStateAsync(conn, tx, fork.Witness, null, Fork, fork.Detail, at, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>The witnesses whose last answer showed a fork, with why: readiness names them.</summary>
    public async Task<IReadOnlyList<(string Witness, string Detail)>> ForkedAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"select witness, coalesce(detail, '') from {S}.{LogTables.Witnesses} where state = '{Fork}' order by witness");
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var forked = new List<(string, string)>();
        while (await r.ReadAsync(ct)) forked.Add((r.GetString(0), r.GetString(1)));
        return forked;
    }

    private static async Task SetStateAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string witness, long? cosignedSize, string state, string? detail,
        DateTimeOffset at, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            insert into {S}.{LogTables.Witnesses} (witness, cosigned_size, state, detail, updated_at) values (@witness, coalesce(@size, 0), @state, @detail, @at)
            on conflict (witness) do update set cosigned_size = coalesce(@size, {LogTables.Witnesses}.cosigned_size), state = @state, detail = @detail, updated_at = @at
            """, conn, tx);
        cmd.Parameters.AddWithValue("witness", witness);
        cmd.Parameters.Add(new NpgsqlParameter<long?>("size", cosignedSize) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        cmd.Parameters.AddWithValue("state", state);
        cmd.Parameters.Add(new NpgsqlParameter<string?>("detail", detail) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        cmd.Parameters.AddWithValue("at", at);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
