using System.Data;
using Ledger.Chain;
using Ledger.Events;
using Ledger.Flows;
using Ledger.Investigations;
using Ledger.Storage;
using Npgsql;

namespace Ledger.Integrity;

/// <summary>
/// Checks what the balance sheets and the ingest rules read besides the events — yearly
/// totals, stream versions, stream states, flows, targets, the event index — against the
/// events. The runtime role may update or insert into these tables, so the chain alone cannot
/// vouch for them. Reads only (SELECT rights suffice), in one snapshot, writes nothing.
/// </summary>
public static class DerivedCheck
{
    /// <summary>Every table the check reads.</summary>
    public static IReadOnlyList<string> Tables =>
    [
        "mt_events", StreamVersionCheck.Table, FlowTables.Totals, FlowTables.LandUseTotals, FlowTables.Flows, FlowTables.Targets, EventIndex.Table,
        Regions.LineageTables.Successions, Regions.LineageTables.StreamMoves, Regions.LineageTables.Transfers,
        .. EventCatalog.Rules.Select(r => StateDocuments.TableOf(r.StateType)), .. Spatial.GeoTables.All,
    ];

    /// <summary>Opens its own repeatable-read transaction (the background check behind readiness).</summary>
    public static async Task<IReadOnlyList<VerifyProblem>> RunAsync(NpgsqlDataSource db, Action<string>? progress, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        await LockAsync(conn, tx, [], ct);
        return await RunAsync(conn, tx, progress, ct);
    }

    /// <summary>
    /// Takes ACCESS SHARE on every table read, before the transaction's first query fixes its
    /// snapshot: a TRUNCATE (not MVCC-safe) can then neither slip in between the snapshot and a
    /// later read nor make one table look empty beside the others. Needs only SELECT.
    /// </summary>
    public static async Task LockAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IEnumerable<string> alsoTables, CancellationToken ct)
    {
        var tables = Tables.Concat(alsoTables).Select(t => $"{LedgerStore.Schema}.{t}");
        await using var cmd = LongRunning.Command($"lock table {string.Join(", ", tables)} in access share mode", conn, tx);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Runs inside the caller's repeatable-read transaction, so verify sees the chain and these tables in one snapshot.</summary>
    public static async Task<IReadOnlyList<VerifyProblem>> RunAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Action<string>? progress,
        CancellationToken ct)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var found = new List<Differences> { await TotalsCheck.RunAsync(conn, tx, ct), await TotalsCheck.LandUseAsync(conn, tx, ct) };
        progress?.Invoke($"  yearly totals checked against the flows ({clock.Elapsed.TotalSeconds:F1} s)");
        found.Add(await StreamVersionCheck.RunAsync(conn, tx, ct));
        progress?.Invoke($"  stream versions checked against the events ({clock.Elapsed.TotalSeconds:F1} s)");
        found.AddRange(await LineageCheck.RunAsync(conn, tx, ct));
        progress?.Invoke($"  stream moves and transfers checked against the successions and flows ({clock.Elapsed.TotalSeconds:F1} s)");
        found.AddRange(await new ReplayCheck(conn, tx, progress).RunAsync(ct));
        progress?.Invoke($"  flows, targets, event index, geometry versions and stream states checked against a replay ({clock.Elapsed.TotalSeconds:F1} s)");
        found.AddRange(await OverlapCheck.RunAsync(conn, tx, ct));
        progress?.Invoke($"  geometry pieces and overlaps checked against the geometry versions ({clock.Elapsed.TotalSeconds:F1} s)");
        return found.Select(d => d.Problem).OfType<VerifyProblem>().ToList();
    }
}
