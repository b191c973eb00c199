using Ledger.Storage;
using NodaTime;
using Npgsql;
using NpgsqlTypes;
using Weasel.Postgresql.Tables;

namespace Ledger.Investigations;

/// <summary>One row per event with what investigators search by (region, type, both times, client).</summary>
public sealed record EventIndexRow(long Seq, Guid EventId, string Type, string StreamId, string RegionCode, LocalDate EffectiveDate,
    Instant RecordedAt, string Client);

/// <summary>
/// The investigators' index of events: written in the ingest transaction (the event rows keep
/// the region inside their JSON, which PostgreSQL cannot search by range cheaply).
/// </summary>
public static class EventIndex
{
    public const string Table = "event_index";

    public static Table Definition(string schema)
    {
        var t = new Table($"{schema}.{Table}");
        t.AddColumn<long>("seq").AsPrimaryKey();
        t.AddColumn<Guid>("event_id").NotNull();
        t.AddColumn("type", "text").NotNull();
        t.AddColumn("stream_id", "text").NotNull();
        t.AddColumn("region_code", "text").NotNull();
        t.AddColumn("effective_date", "date").NotNull();
        t.AddColumn("recorded_at", "timestamp with time zone").NotNull();
        t.AddColumn("client", "text").NotNull();
        t.Indexes.Add(new IndexDefinition($"ix_{Table}_region_date") { Columns = ["region_code", "effective_date"] });
        t.Indexes.Add(new IndexDefinition($"ix_{Table}_recorded") { Columns = ["recorded_at"] });
        return t;
    }

    /// <summary>The insert of a batch's rows, for the ingest transaction's batch of writes.</summary>
    public static NpgsqlBatchCommand Insert(IReadOnlyList<EventIndexRow> rows) => SqlBatch.Command(
        $"insert into {LedgerStore.Schema}.{Table} (seq, event_id, type, stream_id, region_code, effective_date, recorded_at, client) " +
        "select * from unnest(@seq, @id, @type, @stream, @region, @date, @recorded, @client)",
        ("seq", rows.Select(r => r.Seq).ToArray()), ("id", rows.Select(r => r.EventId).ToArray()), ("type", rows.Select(r => r.Type).ToArray()),
        ("stream", rows.Select(r => r.StreamId).ToArray()), ("region", rows.Select(r => r.RegionCode).ToArray()),
        ("date", new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Date, Value = rows.Select(r => r.EffectiveDate.ToDateOnly()).ToArray() }),
        ("recorded", new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, Value = rows.Select(r => r.RecordedAt.ToDateTimeUtc()).ToArray() }),
        ("client", rows.Select(r => r.Client).ToArray()));
}
