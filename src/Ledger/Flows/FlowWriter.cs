using Ledger.Storage;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace Ledger.Flows;

/// <summary>Writes flow and target rows: one statement per batch at ingest, binary COPY in rebuilds.</summary>
public static class FlowWriter
{
    public static async Task InsertAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, IReadOnlyList<FlowRow> flows,
        IReadOnlyList<TargetRow> targets, CancellationToken ct, string flowTable = FlowTables.Flows, string targetTable = FlowTables.Targets)
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
}
