using System.Diagnostics;
using Ledger.Events;
using Ledger.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Ledger.Flows;

/// <summary>
/// Rebuilds the flow and target tables from the events alone, into scratch tables, compares
/// them with the live ones, and (when asked) replaces the live rows up to the rebuild's
/// high-water mark. Uses the same pure Apply and FlowRules as ingest.
/// </summary>
public sealed class FlowRebuilder(NpgsqlDataSource db, Action<string> progress)
{
    public const string ScratchFlows = "flows_rebuild";
    public const string ScratchTargets = "targets_rebuild";
    public const string ScratchTotals = "flow_totals_rebuild";
    public const string ScratchLandUseTotals = "landuse_totals_rebuild";

    public sealed record Result(long Events, long HighWater, double Seconds, long MissingFromLive, long ExtraInLive, bool Replaced,
        long StateMismatches = 0)
    {
        public bool Matches => MissingFromLive == 0 && ExtraInLive == 0 && StateMismatches == 0;
        public double EventsPerSecond => Events / Math.Max(Seconds, 1e-9);
    }

    public async Task<Result> RunAsync(bool replace, CancellationToken ct)
    {
        await PrepareScratchAsync(ct);
        var clock = Stopwatch.StartNew();
        var (events, highWater, states) = await ReplayAsync(ct);
        var seconds = clock.Elapsed.TotalSeconds;
        var (missing, extra) = await CompareAsync(highWater, ct);
        var stateMismatches = await CompareStatesAsync(states, ct);
        progress($"rebuilt {events:N0} events (up to sequence {highWater}) in {seconds:F1} s; live rows missing from the rebuild: {extra}, " +
                 $"rebuilt rows missing from live: {missing}, stream states that differ from a replay: {stateMismatches}");
        if (replace) await ReplaceAsync(highWater, ct);
        return new Result(events, highWater, seconds, missing, extra, replace, stateMismatches);
    }

    private async Task PrepareScratchAsync(CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var s = LedgerStore.Schema;
        await using var cmd = new NpgsqlCommand($"""
            drop table if exists {s}.{ScratchFlows}; drop table if exists {s}.{ScratchTargets}; drop table if exists {s}.{ScratchTotals};
            drop table if exists {s}.{ScratchLandUseTotals};
            create unlogged table {s}.{ScratchLandUseTotals} (like {s}.{FlowTables.LandUseTotals});
            create unlogged table {s}.{ScratchFlows} (like {s}.{FlowTables.Flows});
            create unlogged table {s}.{ScratchTargets} (like {s}.{FlowTables.Targets});
            create unlogged table {s}.{ScratchTotals} (like {s}.{FlowTables.Totals});
            """, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private async Task<(long Events, long HighWater, Dictionary<string, IStreamState> States)> ReplayAsync(CancellationToken ct)
    {
        await using var read = await db.OpenConnectionAsync(ct);
        await using var write = await db.OpenConnectionAsync(ct);
        await using var readTx = await read.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        long total;
        await using (var count = new NpgsqlCommand(EventReplay.Count, read, readTx))
            total = (long)(await count.ExecuteScalarAsync(ct))!;

        var replay = new EventReplay();
        var targets = new List<TargetRow>();
        long n = 0, highWater = 0;
        var clock = Stopwatch.StartNew();
        await using var copy = await write.BeginBinaryImportAsync(
            FlowWriter.Copy(ScratchFlows), ct);
        await using (var cmd = new NpgsqlCommand(EventReplay.Select, read, readTx))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                var replayed = replay.Apply(EventReplay.Read(r));
                foreach (var f in replayed.Flows)
                    await FlowWriter.WriteAsync(copy, f, ct);
                if (replayed.Target is not null) targets.Add(replayed.Target);

                highWater = replayed.Row.Seq;
                if (++n % 100_000 == 0)
                    progress($"  {n:N0}/{total:N0} events ({n / clock.Elapsed.TotalSeconds:N0} events/s)");
            }
        }
        await copy.CompleteAsync(ct);
        await copy.DisposeAsync();
        await FlowWriter.InsertAsync(write, null, [], targets, ct, ScratchFlows, ScratchTargets, ScratchTotals, ScratchLandUseTotals);
        await using (var totals = new NpgsqlCommand(
            $"insert into {LedgerStore.Schema}.{ScratchTotals} {FlowTables.TotalsOf(LedgerStore.Schema, ScratchFlows)}; " +
            $"insert into {LedgerStore.Schema}.{ScratchLandUseTotals} {FlowTables.LandUseTotalsOf(LedgerStore.Schema, ScratchFlows)}", write))
            await totals.ExecuteNonQueryAsync(ct);
        return (n, highWater, replay.States);
    }

    /// <summary>
    /// Stream-state documents that differ from the replay, are missing, or have no stream. Events
    /// appended after the replay began make a state differ too: run it on a quiet ledger.
    /// </summary>
    private async Task<long> CompareStatesAsync(Dictionary<string, IStreamState> replayed, CancellationToken ct)
    {
        long differ = 0;
        await using var conn = await db.OpenConnectionAsync(ct);
        await StateDocuments.CompareAsync(conn, null, replayed, _ => false, _ => differ++, ct);
        return differ;
    }

    /// <summary>Rows (up to the high-water mark) in one table and not the other, both ways, over flows and targets.</summary>
    private async Task<(long Missing, long Extra)> CompareAsync(long highWater, CancellationToken ct)
    {
        var s = LedgerStore.Schema;
        async Task<long> Count(string sql)
        {
            await using var conn = await db.OpenConnectionAsync(ct);
            await using var cmd = new NpgsqlCommand(sql, conn);
            cmd.Parameters.AddWithValue("hw", highWater);
            return (long)(await cmd.ExecuteScalarAsync(ct))!;
        }
        string Diff(string a, string b) => $"select count(*) from (select * from {s}.{a} where seq <= @hw except all select * from {s}.{b} where seq <= @hw) d";
        var missing = await Count(Diff(ScratchFlows, FlowTables.Flows)) + await Count(Diff(ScratchTargets, FlowTables.Targets));
        var extra = await Count(Diff(FlowTables.Flows, ScratchFlows)) + await Count(Diff(FlowTables.Targets, ScratchTargets));
        // The live totals must equal the totals of the live rows (ingest keeps them in one transaction).
        foreach (var (table, derived) in new[]
                 {
                     (FlowTables.Totals, FlowTables.TotalsOf(s, FlowTables.Flows)),
                     (FlowTables.LandUseTotals, FlowTables.LandUseTotalsOf(s, FlowTables.Flows)),
                 })
        {
            var live = $"select * from {s}.{table}";
            extra += await Count($"select count(*) from ({live} except all {derived}) d where @hw = @hw");
            missing += await Count($"select count(*) from ({derived} except all {live}) d where @hw = @hw");
        }
        return (missing, extra);
    }

    /// <summary>Swaps the rebuilt rows in for the live ones up to the high-water mark; rows ingest wrote since stay.</summary>
    private async Task ReplaceAsync(long highWater, CancellationToken ct)
    {
        var s = LedgerStore.Schema;
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using var cmd = new NpgsqlCommand($"""
            lock table {s}.{FlowTables.Flows}, {s}.{FlowTables.Targets}, {s}.{FlowTables.Totals}, {s}.{FlowTables.LandUseTotals} in exclusive mode;
            delete from {s}.{FlowTables.Flows} where seq <= @hw;
            insert into {s}.{FlowTables.Flows} select * from {s}.{ScratchFlows};
            delete from {s}.{FlowTables.Targets} where seq <= @hw;
            insert into {s}.{FlowTables.Targets} select * from {s}.{ScratchTargets};
            truncate {s}.{FlowTables.Totals};
            insert into {s}.{FlowTables.Totals} {FlowTables.TotalsOf(s, FlowTables.Flows)};
            truncate {s}.{FlowTables.LandUseTotals};
            insert into {s}.{FlowTables.LandUseTotals} {FlowTables.LandUseTotalsOf(s, FlowTables.Flows)};
            """, conn, tx);
        cmd.Parameters.AddWithValue("hw", highWater);
        await cmd.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        progress($"replaced the live flow and target rows up to sequence {highWater}");
    }
}
