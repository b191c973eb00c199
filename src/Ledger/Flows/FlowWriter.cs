using Ledger.Storage;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace Ledger.Flows;

/// <summary>Writes flow and target rows: one statement per batch at ingest, binary COPY in rebuilds.</summary>
public static class FlowWriter
{
    public static async Task InsertAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, IReadOnlyList<FlowRow> flows,
        IReadOnlyList<TargetRow> targets, CancellationToken ct, string flowTable = FlowTables.Flows, string targetTable = FlowTables.Targets,
        string totalsTable = FlowTables.Totals)
    {
        if (flows.Count > 0)
        {
            await using var cmd = new NpgsqlCommand($"""
                insert into {LedgerStore.Schema}.{flowTable}
                  (seq, account, cause, nature, event_id, stream_id, region_code, year, effective_date, recorded_at, amount)
                select * from unnest(@seq, @account, @cause, @nature, @event_id, @stream_id, @region, @year, @date, @recorded, @amount)
                """, conn, tx);
            cmd.Parameters.AddWithValue("seq", flows.Select(f => f.Seq).ToArray());
            cmd.Parameters.AddWithValue("account", flows.Select(f => f.Flow.Account).ToArray());
            cmd.Parameters.AddWithValue("cause", flows.Select(f => f.Flow.Cause).ToArray());
            cmd.Parameters.AddWithValue("nature", flows.Select(f => f.Flow.Nature).ToArray());
            cmd.Parameters.AddWithValue("event_id", flows.Select(f => f.EventId).ToArray());
            cmd.Parameters.AddWithValue("stream_id", flows.Select(f => f.StreamId).ToArray());
            cmd.Parameters.AddWithValue("region", flows.Select(f => f.RegionCode).ToArray());
            cmd.Parameters.Add(new NpgsqlParameter("year", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = flows.Select(f => f.Flow.Year).ToArray() });
            cmd.Parameters.Add(new NpgsqlParameter("date", NpgsqlDbType.Array | NpgsqlDbType.Date) { Value = flows.Select(f => f.EffectiveDate.ToDateOnly()).ToArray() });
            cmd.Parameters.Add(new NpgsqlParameter("recorded", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = flows.Select(f => f.RecordedAt.ToDateTimeUtc()).ToArray() });
            cmd.Parameters.AddWithValue("amount", flows.Select(f => f.Flow.Amount).ToArray());
            await cmd.ExecuteNonQueryAsync(ct);
            await UpsertTotalsAsync(conn, tx, flows, totalsTable, ct);
        }
        foreach (var t in targets)
        {
            await using var cmd = new NpgsqlCommand($"""
                insert into {LedgerStore.Schema}.{targetTable} (seq, event_id, region_code, retention_ha, permanent_basic_ha, effective_date, recorded_at)
                values (@seq, @event_id, @region, @retention, @permanent, @date, @recorded)
                """, conn, tx);
            cmd.Parameters.AddWithValue("seq", t.Seq);
            cmd.Parameters.AddWithValue("event_id", t.EventId);
            cmd.Parameters.AddWithValue("region", t.RegionCode);
            cmd.Parameters.AddWithValue("retention", t.RetentionHa);
            cmd.Parameters.AddWithValue("permanent", t.PermanentBasicHa);
            cmd.Parameters.AddWithValue("date", t.EffectiveDate.ToDateOnly());
            cmd.Parameters.AddWithValue("recorded", t.RecordedAt.ToDateTimeUtc());
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>
    /// Adds a batch's stock flows to the totals. Keys go in sorted, so two batches updating the
    /// same totals rows lock them in the same order and cannot deadlock.
    /// </summary>
    private static async Task UpsertTotalsAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, IReadOnlyList<FlowRow> flows, string totalsTable,
        CancellationToken ct)
    {
        var totals = flows.Where(f => f.Flow.Year is null)
            .GroupBy(f => (f.RegionCode, f.Flow.Account, f.Flow.Cause, f.Flow.Nature, f.EffectiveDate.Year, Quarter: RecordedQuarter(f.RecordedAt)))
            .Select(g => (g.Key, Pos: g.Sum(f => FlowTables.ToUnits(Math.Max(f.Flow.Amount, 0))), Neg: g.Sum(f => FlowTables.ToUnits(Math.Min(f.Flow.Amount, 0)))))
            .OrderBy(t => t.Key.RegionCode, StringComparer.Ordinal).ThenBy(t => t.Key.Account, StringComparer.Ordinal)
            .ThenBy(t => t.Key.Cause, StringComparer.Ordinal).ThenBy(t => t.Key.Nature, StringComparer.Ordinal)
            .ThenBy(t => t.Key.Year).ThenBy(t => t.Key.Quarter)
            .ToList();
        if (totals.Count == 0) return;
        await using var cmd = new NpgsqlCommand(
            $"insert into {LedgerStore.Schema}.{totalsTable} as t (region_code, account, cause, nature, eff_year, rec_quarter, amount_pos, amount_neg) " +
            "select * from unnest(@region, @account, @cause, @nature, @year, @quarter, @pos, @neg) " +
            "on conflict (region_code, account, cause, nature, eff_year, rec_quarter) " +
            "do update set amount_pos = t.amount_pos + excluded.amount_pos, amount_neg = t.amount_neg + excluded.amount_neg", conn, tx);
        cmd.Parameters.AddWithValue("region", totals.Select(t => t.Key.RegionCode).ToArray());
        cmd.Parameters.AddWithValue("account", totals.Select(t => t.Key.Account).ToArray());
        cmd.Parameters.AddWithValue("cause", totals.Select(t => t.Key.Cause).ToArray());
        cmd.Parameters.AddWithValue("nature", totals.Select(t => t.Key.Nature).ToArray());
        cmd.Parameters.AddWithValue("year", totals.Select(t => t.Key.Year).ToArray());
        cmd.Parameters.Add(new NpgsqlParameter("quarter", NpgsqlDbType.Array | NpgsqlDbType.Date) { Value = totals.Select(t => t.Key.Quarter).ToArray() });
        cmd.Parameters.AddWithValue("pos", totals.Select(t => t.Pos).ToArray());
        cmd.Parameters.AddWithValue("neg", totals.Select(t => t.Neg).ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The first day (UTC) of the calendar quarter the instant falls in.</summary>
    public static DateOnly RecordedQuarter(Instant recordedAt)
    {
        var utc = recordedAt.InUtc().Date;
        return new DateOnly(utc.Year, (utc.Month - 1) / 3 * 3 + 1, 1);
    }
}
