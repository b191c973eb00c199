using System.Diagnostics;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Ledger.Imports;

/// <summary>
/// Bounds what one SQLite statement over an uploaded file may cost: SQLite calls a progress
/// handler every few thousand instructions, which interrupts the statement once its step has run
/// longer than <see cref="Step"/> or the job is cancelled; and no value may be longer than
/// <see cref="MaxValueBytes"/> (SQLite refuses to make one: "string or blob too big").
/// </summary>
public sealed class SqliteBudget
{
    public const int MaxValueBytes = 16 * 1024 * 1024;
    private const int SqliteInterrupt = 9, SqliteTooBig = 18, LimitLength = 0;

    /// <summary>How long one step (opening the file, one check, one row) may take by default: generous for any real file.</summary>
    public static readonly TimeSpan DefaultStep = TimeSpan.FromSeconds(10);

    public TimeSpan Step { get; }

    private readonly CancellationToken _ct;
    private readonly delegate_progress _handler;
    private long _deadline;

    public SqliteBudget(SqliteConnection conn, CancellationToken ct, TimeSpan? step = null)
    {
        _ct = ct;
        Step = step ?? DefaultStep;
        // Kept in a field: SQLite holds only a native pointer to it.
        _handler = _ => Stopwatch.GetTimestamp() > Volatile.Read(ref _deadline) || _ct.IsCancellationRequested ? 1 : 0;
        Restart();
        raw.sqlite3_progress_handler(conn.Handle, 10_000, _handler, null);
        raw.sqlite3_limit(conn.Handle, LimitLength, MaxValueBytes);
    }

    public void Restart() => Volatile.Write(ref _deadline, Stopwatch.GetTimestamp() + (long)(Step.TotalSeconds * Stopwatch.Frequency));

    /// <summary>A failed statement in the uploader's terms.</summary>
    public static ImportFileException Explain(SqliteException e, SqliteBudget? budget) => e.SqliteErrorCode switch
    {
        SqliteInterrupt => new ImportFileException($"took longer than {(budget?.Step ?? DefaultStep).TotalSeconds:N0} s to read one step (a query or an expression that does not end?); refused"),
        SqliteTooBig => new ImportFileException($"holds a value longer than {MaxValueBytes / (1024 * 1024)} MiB; refused"),
        _ => new ImportFileException($"is not a readable GeoPackage: {Ingest.BatchParser.Clip(e.Message, 200)}"),
    };
}
