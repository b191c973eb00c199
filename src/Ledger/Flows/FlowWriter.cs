using Ledger.Storage;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace Ledger.Flows;

/// <summary>Writes flow and target rows: one statement per batch at ingest, binary COPY in rebuilds.</summary>
public static class FlowWriter
{
    public static Task InsertAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, IReadOnlyList<FlowRow> flows,
        IReadOnlyList<TargetRow> targets, CancellationToken ct, string flowTable = FlowTables.Flows, string targetTable = FlowTables.Targets,
        string totalsTable = FlowTables.Totals, string landUseTotalsTable = FlowTables.LandUseTotals) =>
        SqlBatch.ExecuteAsync(conn, tx, Inserts(flows, targets, flowTable, targetTable, totalsTable, landUseTotalsTable), ct);

    /// <summary>The statements that add these flows, their totals and these targets, for one batch of writes.</summary>
    public static List<NpgsqlBatchCommand> Inserts(IReadOnlyList<FlowRow> flows, IReadOnlyList<TargetRow> targets,
        string flowTable = FlowTables.Flows, string targetTable = FlowTables.Targets, string totalsTable = FlowTables.Totals,
        string landUseTotalsTable = FlowTables.LandUseTotals)
    {
        var commands = new List<NpgsqlBatchCommand>();
        if (flows.Count > 0)
        {
            commands.Add(SqlBatch.Command($"""
                insert into {LedgerStore.Schema}.{flowTable}
                  (seq, account, cause, nature, event_id, stream_id, region_code, year, effective_date, recorded_at, amount, land_class, other_class)
                select * from unnest(@seq, @account, @cause, @nature, @event_id, @stream_id, @region, @year, @date, @recorded, @amount,
                  @land_class, @other_class)
                """,
                ("seq", flows.Select(f => f.Seq).ToArray()), ("account", flows.Select(f => f.Flow.Account).ToArray()),
                ("cause", flows.Select(f => f.Flow.Cause).ToArray()), ("nature", flows.Select(f => f.Flow.Nature).ToArray()),
                ("event_id", flows.Select(f => f.EventId).ToArray()), ("stream_id", flows.Select(f => f.StreamId).ToArray()),
                ("region", flows.Select(f => f.RegionCode).ToArray()),
                ("year", new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer, Value = flows.Select(f => f.Flow.Year).ToArray() }),
                ("date", new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Date, Value = flows.Select(f => f.EffectiveDate.ToDateOnly()).ToArray() }),
                ("recorded", new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, Value = flows.Select(f => f.RecordedAt.ToDateTimeUtc()).ToArray() }),
                ("amount", flows.Select(f => f.Flow.Amount).ToArray()),
                ("land_class", new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = flows.Select(f => f.Flow.LandClass).ToArray() }),
                ("other_class", new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = flows.Select(f => f.Flow.OtherClass).ToArray() })));
            if (Totals(flows, totalsTable) is { } totals) commands.Add(totals);
            if (LandUseTotals(flows, landUseTotalsTable) is { } landUse) commands.Add(landUse);
        }
        foreach (var t in targets)
            commands.Add(SqlBatch.Command($"""
                insert into {LedgerStore.Schema}.{targetTable} (seq, event_id, region_code, retention_ha, permanent_basic_ha, effective_date, recorded_at)
                values (@seq, @event_id, @region, @retention, @permanent, @date, @recorded)
                """,
                ("seq", t.Seq), ("event_id", t.EventId), ("region", t.RegionCode), ("retention", t.RetentionHa), ("permanent", t.PermanentBasicHa),
                ("date", t.EffectiveDate.ToDateOnly()), ("recorded", t.RecordedAt.ToDateTimeUtc())));
        return commands;
    }

    /// <summary>The COPY that takes flow rows into <paramref name="table"/> (binary, the columns <see cref="WriteAsync"/> writes).</summary>
    public static string Copy(string table = FlowTables.Flows) =>
        $"copy {LedgerStore.Schema}.{table} (seq, account, cause, nature, event_id, stream_id, region_code, year, effective_date, recorded_at, amount, land_class, other_class) from stdin (format binary)";

    /// <summary>One flow row into a binary COPY opened with <see cref="Copy"/>: what rebuilds write.</summary>
    public static async Task WriteAsync(NpgsqlBinaryImporter copy, FlowRow row, CancellationToken ct)
    {
        await copy.StartRowAsync(ct);
        await copy.WriteAsync(row.Seq, NpgsqlDbType.Bigint, ct);
        await copy.WriteAsync(row.Flow.Account, NpgsqlDbType.Text, ct);
        await copy.WriteAsync(row.Flow.Cause, NpgsqlDbType.Text, ct);
        await copy.WriteAsync(row.Flow.Nature, NpgsqlDbType.Text, ct);
        await copy.WriteAsync(row.EventId, NpgsqlDbType.Uuid, ct);
        await copy.WriteAsync(row.StreamId, NpgsqlDbType.Text, ct);
        await copy.WriteAsync(row.RegionCode, NpgsqlDbType.Text, ct);
        if (row.Flow.Year is { } y) await copy.WriteAsync(y, NpgsqlDbType.Integer, ct);
        else await copy.WriteNullAsync(ct);
        await copy.WriteAsync(row.EffectiveDate.ToDateOnly(), NpgsqlDbType.Date, ct);
        await copy.WriteAsync(row.RecordedAt.ToDateTimeUtc(), NpgsqlDbType.TimestampTz, ct);
        await copy.WriteAsync(row.Flow.Amount, NpgsqlDbType.Numeric, ct);
        await WriteTextAsync(copy, row.Flow.LandClass, ct);
        await WriteTextAsync(copy, row.Flow.OtherClass, ct);
    }

    private static async Task WriteTextAsync(NpgsqlBinaryImporter copy, string? value, CancellationToken ct)
    {
        if (value is null) await copy.WriteNullAsync(ct);
        else await copy.WriteAsync(value, NpgsqlDbType.Text, ct);
    }

    /// <summary>
    /// Adds a batch's stock flows to the totals. Keys go in sorted, so two batches updating the
    /// same totals rows lock them in the same order and cannot deadlock.
    /// </summary>
    private static NpgsqlBatchCommand? Totals(IReadOnlyList<FlowRow> flows, string totalsTable)
    {
        var totals = flows.Where(f => f.Flow.Year is null && f.Flow.Account != Accounts.LandUse)
            .GroupBy(f => (f.RegionCode, f.Flow.Account, f.Flow.Cause, f.Flow.Nature, f.EffectiveDate.Year, Quarter: RecordedQuarter(f.RecordedAt)))
            .Select(g => (g.Key, Pos: g.Sum(f => FlowTables.ToUnits(Math.Max(f.Flow.Amount, 0))), Neg: g.Sum(f => FlowTables.ToUnits(Math.Min(f.Flow.Amount, 0)))))
            .OrderBy(t => t.Key.RegionCode, StringComparer.Ordinal).ThenBy(t => t.Key.Account, StringComparer.Ordinal)
            .ThenBy(t => t.Key.Cause, StringComparer.Ordinal).ThenBy(t => t.Key.Nature, StringComparer.Ordinal)
            .ThenBy(t => t.Key.Year).ThenBy(t => t.Key.Quarter)
            .ToList();
        if (totals.Count == 0) return null;
        return SqlBatch.Command(
            $"insert into {LedgerStore.Schema}.{totalsTable} as t (region_code, account, cause, nature, eff_year, rec_quarter, amount_pos, amount_neg) " +
            "select * from unnest(@region, @account, @cause, @nature, @year, @quarter, @pos, @neg) " +
            "on conflict (region_code, account, cause, nature, eff_year, rec_quarter) " +
            "do update set amount_pos = t.amount_pos + excluded.amount_pos, amount_neg = t.amount_neg + excluded.amount_neg",
            ("region", totals.Select(t => t.Key.RegionCode).ToArray()), ("account", totals.Select(t => t.Key.Account).ToArray()),
            ("cause", totals.Select(t => t.Key.Cause).ToArray()), ("nature", totals.Select(t => t.Key.Nature).ToArray()),
            ("year", totals.Select(t => t.Key.Year).ToArray()),
            ("quarter", new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Date, Value = totals.Select(t => t.Key.Quarter).ToArray() }),
            ("pos", totals.Select(t => t.Pos).ToArray()), ("neg", totals.Select(t => t.Neg).ToArray()));
    }

    /// <summary>Adds a batch's land-use changes (LandUseFlows.Of) to their totals, keys sorted as in <see cref="Totals"/>.</summary>
    private static NpgsqlBatchCommand? LandUseTotals(IReadOnlyList<FlowRow> flows, string table)
    {
        var totals = flows.Where(f => f.Flow.LandClass is not null)
            .SelectMany(f => LandUseFlows.Of([f.Flow]).Select(c => (Row: f, Change: c)))
            .GroupBy(x => (x.Row.RegionCode, x.Change.Class, Other: x.Change.Other ?? "", x.Change.Cause, x.Change.Nature, x.Row.EffectiveDate.Year,
                Quarter: RecordedQuarter(x.Row.RecordedAt)))
            .Select(g => (g.Key, Pos: g.Sum(x => FlowTables.ToUnits(Math.Max(x.Change.Amount, 0))), Neg: g.Sum(x => FlowTables.ToUnits(Math.Min(x.Change.Amount, 0)))))
            .OrderBy(t => t.Key.RegionCode, StringComparer.Ordinal).ThenBy(t => t.Key.Class, StringComparer.Ordinal)
            .ThenBy(t => t.Key.Other, StringComparer.Ordinal).ThenBy(t => t.Key.Cause, StringComparer.Ordinal)
            .ThenBy(t => t.Key.Nature, StringComparer.Ordinal).ThenBy(t => t.Key.Year).ThenBy(t => t.Key.Quarter)
            .ToList();
        if (totals.Count == 0) return null;
        return SqlBatch.Command(
            $"insert into {LedgerStore.Schema}.{table} as t (region_code, land_class, other_class, cause, nature, eff_year, rec_quarter, amount_pos, amount_neg) " +
            "select * from unnest(@region, @class, @other, @cause, @nature, @year, @quarter, @pos, @neg) " +
            "on conflict (region_code, land_class, other_class, cause, nature, eff_year, rec_quarter) " +
            "do update set amount_pos = t.amount_pos + excluded.amount_pos, amount_neg = t.amount_neg + excluded.amount_neg",
            ("region", totals.Select(t => t.Key.RegionCode).ToArray()), ("class", totals.Select(t => t.Key.Class).ToArray()),
            ("other", totals.Select(t => t.Key.Other).ToArray()), ("cause", totals.Select(t => t.Key.Cause).ToArray()),
            ("nature", totals.Select(t => t.Key.Nature).ToArray()), ("year", totals.Select(t => t.Key.Year).ToArray()),
            ("quarter", new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Date, Value = totals.Select(t => t.Key.Quarter).ToArray() }),
            ("pos", totals.Select(t => t.Pos).ToArray()), ("neg", totals.Select(t => t.Neg).ToArray()));
    }

    /// <summary>The first day (UTC) of the calendar quarter the instant falls in.</summary>
    public static DateOnly RecordedQuarter(Instant recordedAt)
    {
        var utc = recordedAt.InUtc().Date;
        return new DateOnly(utc.Year, (utc.Month - 1) / 3 * 3 + 1, 1);
    }
}
