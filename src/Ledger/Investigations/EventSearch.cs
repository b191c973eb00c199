using Ledger.Regions;
using Ledger.Storage;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace Ledger.Investigations;

public sealed record EventQuery(string Region, IReadOnlyList<string> Types, LocalDate? EffectiveFrom, LocalDate? EffectiveTo,
    Instant? RecordedFrom, Instant? RecordedTo, string? Client, int? MinDelayDays, long After, int Limit);

public sealed record FoundEvent(long Sequence, Guid EventId, string Type, string Stream, string RegionCode, LocalDate EffectiveDate,
    Instant RecordedAt, string Client, int DelayDays);

/// <summary>
/// Investigators' event search over the event index: region prefix, types, effective and
/// recorded ranges, client, and a minimum delay between effective date and recording (back-dating).
/// Pages by sequence: pass the last sequence seen as <c>after</c>.
/// </summary>
public static class EventSearch
{
    /// <summary>Correction-like events: they amend what earlier events said.</summary>
    public static readonly string[] CorrectionTypes = ["farmland.area-corrected", "redline.zone-adjusted", "water.quota-adjusted"];

    public static async Task<IReadOnlyList<FoundEvent>> FindAsync(NpgsqlDataSource db, EventQuery q, CancellationToken ct)
    {
        var prefix = RegionCodes.Prefix(q.Region);
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand($"""
            select seq, event_id, type, stream_id, region_code, effective_date, recorded_at, client,
                   ((recorded_at at time zone 'Asia/Shanghai')::date - effective_date) as delay
            from {LedgerStore.Schema}.{EventIndex.Table}
            where region_code between @low and @high and seq > @after
              and (cardinality(@types) = 0 or type = any(@types))
              and (@effFrom is null or effective_date >= @effFrom) and (@effTo is null or effective_date <= @effTo)
              and (@recFrom is null or recorded_at >= @recFrom) and (@recTo is null or recorded_at <= @recTo)
              and (@client is null or client = @client)
              and (@minDelay is null or (recorded_at at time zone 'Asia/Shanghai')::date - effective_date >= @minDelay)
            order by seq
            limit @limit
            """, conn);
        cmd.Parameters.AddWithValue("low", prefix.PadRight(6, '0'));
        cmd.Parameters.AddWithValue("high", prefix.PadRight(6, '9'));
        cmd.Parameters.AddWithValue("after", q.After);
        cmd.Parameters.AddWithValue("types", q.Types.ToArray());
        cmd.Parameters.Add(new NpgsqlParameter("effFrom", NpgsqlDbType.Date) { Value = (object?)q.EffectiveFrom?.ToDateOnly() ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("effTo", NpgsqlDbType.Date) { Value = (object?)q.EffectiveTo?.ToDateOnly() ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("recFrom", NpgsqlDbType.TimestampTz) { Value = (object?)q.RecordedFrom?.ToDateTimeUtc() ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("recTo", NpgsqlDbType.TimestampTz) { Value = (object?)q.RecordedTo?.ToDateTimeUtc() ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("client", NpgsqlDbType.Text) { Value = (object?)q.Client ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter("minDelay", NpgsqlDbType.Integer) { Value = (object?)q.MinDelayDays ?? DBNull.Value });
        cmd.Parameters.AddWithValue("limit", q.Limit);
        var found = new List<FoundEvent>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var stream = r.GetString(3);
            found.Add(new FoundEvent(r.GetInt64(0), r.GetGuid(1), r.GetString(2), stream[(stream.IndexOf(':') + 1)..], r.GetString(4),
                LocalDate.FromDateOnly(r.GetFieldValue<DateOnly>(5)), Instant.FromDateTimeOffset(r.GetFieldValue<DateTimeOffset>(6)),
                r.GetString(7), r.GetInt32(8)));
        }
        return found;
    }
}
