using System.Data;
using System.Globalization;
using Npgsql;

namespace Ledger.Spatial;

/// <summary>
/// A map read in one read-only snapshot (repeatable read: its territory, count and features agree)
/// under <c>statement_timeout</c>. PostgreSQL itself stops a statement at the timeout, so a stopped
/// read leaves nothing running even when this process is gone; the read answers <see cref="MapTimeoutException"/>.
/// </summary>
public static class BoundedRead
{
    public static async Task<T> RunAsync<T>(NpgsqlDataSource db, TimeSpan timeout, Func<NpgsqlConnection, Task<T>> read, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        try
        {
            var ms = (long)Math.Ceiling(timeout.TotalMilliseconds);
            await using (var set = new NpgsqlCommand(string.Create(CultureInfo.InvariantCulture,
                             $"set transaction read only; set local statement_timeout = {ms}"), conn, tx))
                await set.ExecuteNonQueryAsync(ct);
            var result = await read(conn);
            await tx.CommitAsync(ct);
            return result;
        }
        catch (Exception e) when (!ct.IsCancellationRequested && TimedOut(e))
        {
            throw new MapTimeoutException(timeout, e.Message);
        }
    }

    /// <summary>
    /// 57014 is PostgreSQL's "canceling statement" (here: statement_timeout; a cancel we asked for
    /// ourselves is excluded by the token). Npgsql's own command timeout, should it come first, also cancels the statement.
    /// </summary>
    private static bool TimedOut(Exception e) =>
        e is PostgresException { SqlState: PostgresErrorCodes.QueryCanceled } or NpgsqlException { InnerException: TimeoutException }
        || (e.InnerException is { } inner && TimedOut(inner));
}
