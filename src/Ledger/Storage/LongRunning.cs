using Npgsql;

namespace Ledger.Storage;

/// <summary>
/// Commands of verification and the derived-table check, which read a whole database: on tens of
/// millions of events one statement runs for minutes, past Npgsql's 30 s default, and a timeout there
/// would turn a sound ledger into an error. They are bounded by their caller's cancellation instead.
/// </summary>
public static class LongRunning
{
    public static NpgsqlCommand Command(string sql, NpgsqlConnection conn, NpgsqlTransaction? tx = null) =>
        new(sql, conn, tx) { CommandTimeout = 0 };
}
