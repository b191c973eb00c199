using System.Globalization;
using Ledger.Flows;
using Ledger.Investigations;
using Ledger.Storage;
using NodaTime;
using NodaTime.Text;
using Npgsql;

namespace Ledger.Integrity;

/// <summary>One row of a table written per event: its sequence, its key within the sequence, its other values.</summary>
internal sealed record DerivedRow(long Seq, string Key, object?[] Values);

/// <summary>
/// A table ingest writes rows into for each event (flows, targets, the event index): how to
/// read it, and what a replay says it should hold. Values compare as .NET values (decimal
/// 2.5 equals 2.5000; instants to the microsecond PostgreSQL keeps) and become text only in a
/// problem report: formatting every row on both sides cost more than the replay itself.
/// </summary>
internal sealed record RowTable(string Name, string[] Fields, string Sql, Func<ReplayedEvent, IEnumerable<DerivedRow>> Expected)
{
    private static readonly InstantPattern Microseconds = InstantPattern.CreateWithInvariantCulture("uuuu-MM-dd'T'HH:mm:ss.ffffff'Z'");

    public static readonly RowTable Flows = new(FlowTables.Flows,
        ["cause", "nature", "event_id", "stream_id", "region_code", "year", "effective_date", "recorded_at", "amount", "land_class", "other_class"],
        "select seq, account, cause, nature, event_id, stream_id, region_code, year, effective_date, recorded_at, amount, land_class, other_class " +
        $"from {LedgerStore.Schema}.{FlowTables.Flows} order by seq, account",
        e => e.Flows.Select(f => new DerivedRow(f.Seq, f.Flow.Account,
            [f.Flow.Cause, f.Flow.Nature, f.EventId, f.StreamId, f.RegionCode, f.Flow.Year, f.EffectiveDate.ToDateOnly(), f.RecordedAt, f.Flow.Amount,
             f.Flow.LandClass, f.Flow.OtherClass])));

    public static readonly RowTable Targets = new(FlowTables.Targets,
        ["event_id", "region_code", "retention_ha", "permanent_basic_ha", "effective_date", "recorded_at"],
        "select seq, '', event_id, region_code, retention_ha, permanent_basic_ha, effective_date, recorded_at " +
        $"from {LedgerStore.Schema}.{FlowTables.Targets} order by seq",
        e => e.Target is not { } t ? [] : [new DerivedRow(t.Seq, "",
            [t.EventId, t.RegionCode, t.RetentionHa, t.PermanentBasicHa, t.EffectiveDate.ToDateOnly(), t.RecordedAt])]);

    public static readonly RowTable EventIndexRows = new(EventIndex.Table,
        ["event_id", "type", "stream_id", "region_code", "effective_date", "recorded_at", "client"],
        "select seq, '', event_id, type, stream_id, region_code, effective_date, recorded_at, client " +
        $"from {LedgerStore.Schema}.{EventIndex.Table} order by seq",
        e => [new DerivedRow(e.Row.Seq, "",
            [e.Row.EventId, e.Row.Type, e.Row.StreamId, e.Event.RegionCode, e.Event.EffectiveDate.ToDateOnly(), e.Row.RecordedAt, e.Row.Client])]);

    public static readonly RowTable Successions = new(Regions.LineageTables.Successions,
        ["event_id", "successor", "reason", "effective_date", "recorded_at", "streams"],
        "select seq, predecessor, event_id, successor, reason, effective_date, recorded_at, array_to_string(streams, ',') " +
        $"from {LedgerStore.Schema}.{Regions.LineageTables.Successions} order by seq, predecessor",
        e => e.Event is not Regions.RegionSucceeded s ? [] : s.Predecessors.Order(StringComparer.Ordinal).Select(p => new DerivedRow(e.Row.Seq, p,
            [e.Row.EventId, s.RegionCode, s.Reason, s.EffectiveDate.ToDateOnly(), e.Row.RecordedAt, s.Streams is null ? null : string.Join(',', s.Streams)])));

    /// <summary>A fresh set per check: the geometry table's expectation remembers boundaries across events.</summary>
    public static IReadOnlyList<RowTable> All => [Flows, Targets, EventIndexRows, Successions, GeoRows.Table()];

    public static DerivedRow Read(NpgsqlDataReader r)
    {
        var values = new object?[r.FieldCount - 2];
        for (var i = 0; i < values.Length; i++) values[i] = Value(r, i + 2);
        return new DerivedRow(r.GetInt64(0), r.GetString(1), values);
    }

    private static object? Value(NpgsqlDataReader r, int at)
    {
        try
        {
            return r.GetValue(at) switch
            {
                DBNull => null,
                // timestamptz arrives as a UTC DateTime and date as an unspecified one: make them what the replay gives.
                DateTime { Kind: DateTimeKind.Utc } t => Instant.FromDateTimeUtc(t),
                DateTime d => DateOnly.FromDateTime(d),
                var v => v,
            };
        }
        catch (Exception e) when (e is InvalidCastException or OverflowException)
        {
            // A numeric beyond decimal's range (the role may insert one): a difference to report, not a reason to fail.
            return $"(a value out of range: {e.Message})";
        }
    }

    public static bool Same(DerivedRow a, DerivedRow b) => a.Values.SequenceEqual(b.Values);

    /// <summary>The row's values by name, for a problem report.</summary>
    public string Describe(DerivedRow row) => string.Join(", ", Fields.Zip(row.Values, (f, v) => $"{f} {Text(v)}"));

    /// <summary>The values that differ, e.g. <c>amount stored -5, a replay gives -2.5</c>.</summary>
    public string Difference(DerivedRow stored, DerivedRow expected) => string.Join("; ", Fields.Select((f, i) => (f, i))
        .Where(x => !Equals(stored.Values[x.i], expected.Values[x.i]))
        .Select(x => $"{x.f} stored {Text(stored.Values[x.i])}, a replay gives {Text(expected.Values[x.i])}"));

    private static string Text(object? v) => v switch
    {
        null => "null",
        decimal d => d.ToString("0.############################", CultureInfo.InvariantCulture),
        Instant i => Microseconds.Format(i),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        // A geometry's WKB runs to megabytes: its start and length tell a reader enough.
        string { Length: > 120 } t => $"{t[..60]}… ({t.Length:N0} characters)",
        _ => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "",
    };
}
