using Npgsql;

namespace Ledger.Storage;

/// <summary>
/// Statements gathered into one <see cref="NpgsqlBatch"/>: the ingest transaction sends its
/// writes in a few round trips instead of one per table.
/// </summary>
public static class SqlBatch
{
    /// <summary>A statement with named parameters; a value that is already an <see cref="NpgsqlParameter"/> keeps its type.</summary>
    public static NpgsqlBatchCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        var cmd = new NpgsqlBatchCommand(sql);
        foreach (var (name, value) in parameters)
        {
            if (value is NpgsqlParameter p)
            {
                p.ParameterName = name;
                cmd.Parameters.Add(p);
            }
            else cmd.Parameters.Add(new NpgsqlParameter(name, value));
        }
        return cmd;
    }

    public static async Task ExecuteAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, IReadOnlyList<NpgsqlBatchCommand> commands, CancellationToken ct)
    {
        if (commands.Count == 0) return;
        await using var batch = new NpgsqlBatch(conn, tx);
        foreach (var c in commands) batch.BatchCommands.Add(c);
        await batch.ExecuteNonQueryAsync(ct);
    }
}
