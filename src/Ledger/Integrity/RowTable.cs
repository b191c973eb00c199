using System.Globalization;
using Ledger.Flows;
using Ledger.Investigations;
using Ledger.Storage;
using NodaTime;
using NodaTime.Text;
using Npgsql;

namespace Ledger.Integrity;

/// <summary>One stored row of a table written per event: its sequence, its key within the sequence, its other values as text.</summary>
internal sealed record DerivedRow(long Seq, string Key, string?[] Values);

/// <summary>
/// A table ingest writes rows into for each event (flows, targets, the event index), and how
/// to read it and what a replay says it should hold. Both sides become the same text, so
/// 2.5 and 2.5000 are equal and times compare to the microsecond PostgreSQL keeps.
/// </summary>
internal sealed record RowTable(string Name, string[] Fields, string Sql, Func<ReplayedEvent, IEnumerable<DerivedRow>> Expected)
{
    private const string Recorded = "to_char(recorded_at at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')";
    private const string Effective = "to_char(effective_date, 'YYYY-MM-DD')";
    private static readonly InstantPattern Microseconds = InstantPattern.CreateWithInvariantCulture("uuuu-MM-dd'T'HH:mm:ss.ffffff'Z'");

    public static readonly RowTable Flows = new(FlowTables.Flows,
        ["cause", "nature", "event_id", "stream_id", "region_code", "year", "effective_date", "recorded_at", "amount"],
        $"select seq, account, cause, nature, event_id::text, stream_id, region_code, year::text, {Effective}, {Recorded}, trim_scale(amount)::text " +
        $"from {LedgerStore.Schema}.{FlowTables.Flows} order by seq, account",
        e => e.Flows.Select(f => new DerivedRow(f.Seq, f.Flow.Account,
            [f.Flow.Cause, f.Flow.Nature, f.EventId.ToString(), f.StreamId, f.RegionCode, f.Flow.Year?.ToString(CultureInfo.InvariantCulture),
             Date(f.EffectiveDate), Microseconds.Format(f.RecordedAt), Number(f.Flow.Amount)])));

    public static readonly RowTable Targets = new(FlowTables.Targets,
        ["event_id", "region_code", "retention_ha", "permanent_basic_ha", "effective_date", "recorded_at"],
        $"select seq, '', event_id::text, region_code, trim_scale(retention_ha)::text, trim_scale(permanent_basic_ha)::text, {Effective}, {Recorded} " +
        $"from {LedgerStore.Schema}.{FlowTables.Targets} order by seq",
        e => e.Target is not { } t ? [] : [new DerivedRow(t.Seq, "",
            [t.EventId.ToString(), t.RegionCode, Number(t.RetentionHa), Number(t.PermanentBasicHa), Date(t.EffectiveDate), Microseconds.Format(t.RecordedAt)])]);

    public static readonly RowTable EventIndexRows = new(EventIndex.Table,
        ["event_id", "type", "stream_id", "region_code", "effective_date", "recorded_at", "client"],
        $"select seq, '', event_id::text, type, stream_id, region_code, {Effective}, {Recorded}, client " +
        $"from {LedgerStore.Schema}.{EventIndex.Table} order by seq",
        e => [new DerivedRow(e.Row.Seq, "",
            [e.Row.EventId.ToString(), e.Row.Type, e.Row.StreamId, e.Event.RegionCode, Date(e.Event.EffectiveDate), Microseconds.Format(e.Row.RecordedAt), e.Row.Client])]);

    public static IReadOnlyList<RowTable> All => [Flows, Targets, EventIndexRows];

    public static DerivedRow Read(NpgsqlDataReader r)
    {
        var values = new string?[r.FieldCount - 2];
        for (var i = 0; i < values.Length; i++) values[i] = r.IsDBNull(i + 2) ? null : r.GetString(i + 2);
        return new DerivedRow(r.GetInt64(0), r.GetString(1), values);
    }

    /// <summary>The row's values by name, for a problem report.</summary>
    public string Describe(DerivedRow row) => string.Join(", ", Fields.Zip(row.Values, (f, v) => $"{f} {v ?? "null"}"));

    /// <summary>The values that differ, e.g. <c>amount stored 5, a replay gives 2.5</c>.</summary>
    public string Difference(DerivedRow stored, DerivedRow expected) => string.Join("; ", Fields.Select((f, i) => (f, i))
        .Where(x => stored.Values[x.i] != expected.Values[x.i])
        .Select(x => $"{x.f} stored {stored.Values[x.i] ?? "null"}, a replay gives {expected.Values[x.i] ?? "null"}"));

    private static string Date(LocalDate d) => d.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>As PostgreSQL's <c>trim_scale(x)::text</c> writes it: no trailing zeros, no exponent.</summary>
    private static string Number(decimal d) => d.ToString("0.############################", CultureInfo.InvariantCulture);
}
