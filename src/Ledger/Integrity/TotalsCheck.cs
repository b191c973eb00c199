using System.Globalization;
using Ledger.Flows;
using Ledger.Storage;
using Npgsql;

namespace Ledger.Integrity;

/// <summary>
/// The yearly totals the sheets read against the totals of the flow rows, both ways (a total
/// with no flows behind it, flows with no total). The flows themselves are checked against a
/// replay of the events by <see cref="ReplayCheck"/>, so together the totals answer to the events.
/// </summary>
internal static class TotalsCheck
{
    private const string Keys = "region_code, account, cause, nature, eff_year, rec_quarter";

    public static async Task<Differences> RunAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        var s = LedgerStore.Schema;
        var differences = new Differences(FlowTables.Totals, "the totals of the flows");
        await using (var cmd = LongRunning.Command($"""
            with derived ({Keys}, pos, neg) as ({FlowTables.TotalsOf(s, FlowTables.Flows, "numeric")}),
            differing as (
              select {Keys}, t.amount_pos, t.amount_neg, d.pos, d.neg
              from {s}.{FlowTables.Totals} t full join derived d using ({Keys})
              where t.amount_pos is distinct from d.pos or t.amount_neg is distinct from d.neg)
            select {Keys}, {Hectares("amount_pos")}, {Hectares("amount_neg")}, {Hectares("pos")}, {Hectares("neg")}, count(*) over ()
            from differing order by {Keys} limit 1
            """, conn, tx))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            if (!await r.ReadAsync(ct)) return differences;
            var key = (Region: r.GetString(0), Account: r.GetString(1), Cause: r.GetString(2), Nature: r.GetString(3), Year: r.GetInt32(4),
                Quarter: r.GetFieldValue<DateOnly>(5));
            var row = $"region {key.Region} {key.Account}/{key.Cause} ({key.Nature}) {key.Year}, recorded {key.Quarter.Year} Q{(key.Quarter.Month + 2) / 3}: " +
                      $"stored {Amount(r, 6)}, the flows give {Amount(r, 8)}";
            var count = r.GetInt64(10);
            await r.CloseAsync();
            var seq = await FirstFlowAsync(conn, tx, key, ct);
            differences.Add(seq, row, count);
        }
        return differences;
    }

    /// <summary>The land-use totals against the land-use changes of the flow rows (LandUseFlows), both ways.</summary>
    public static async Task<Differences> LandUseAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        const string keys = "region_code, land_class, other_class, cause, nature, eff_year, rec_quarter";
        var s = LedgerStore.Schema;
        var differences = new Differences(FlowTables.LandUseTotals, "the land-use changes of the flows");
        await using var cmd = LongRunning.Command($"""
            with derived ({keys}, pos, neg) as ({FlowTables.LandUseTotalsOf(s, FlowTables.Flows, "numeric")}),
            differing as (
              select {keys}, t.amount_pos, t.amount_neg, d.pos, d.neg
              from {s}.{FlowTables.LandUseTotals} t full join derived d using ({keys})
              where t.amount_pos is distinct from d.pos or t.amount_neg is distinct from d.neg)
            select {keys}, {Hectares("amount_pos")}, {Hectares("amount_neg")}, {Hectares("pos")}, {Hectares("neg")}, count(*) over (),
                   (select coalesce(min(f.seq), 0) from {s}.{FlowTables.Flows} f
                    where f.region_code = differing.region_code and differing.land_class in (f.land_class, f.other_class))
            from differing order by {keys} limit 1
            """, conn, tx);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return differences;
        var quarter = r.GetFieldValue<DateOnly>(6);
        var other = r.GetString(2);
        differences.Add(r.GetInt64(12),
            $"region {r.GetString(0)} class {r.GetString(1)}{(other == "" ? "" : $" (other side {other})")} {r.GetString(3)} ({r.GetString(4)}) " +
            $"{r.GetInt32(5)}, recorded {quarter.Year} Q{(quarter.Month + 2) / 3}: stored {Amount(r, 7)}, the flows give {Amount(r, 9)}",
            r.GetInt64(11));
        return differences;
    }

    /// <summary>The first flow row counted in a total (0 when none is: a total made up out of nothing).</summary>
    private static async Task<long> FirstFlowAsync(NpgsqlConnection conn, NpgsqlTransaction tx,
        (string Region, string Account, string Cause, string Nature, int Year, DateOnly Quarter) key, CancellationToken ct)
    {
        await using var cmd = LongRunning.Command($"""
            select coalesce(min(seq), 0) from {LedgerStore.Schema}.{FlowTables.Flows}
            where year is null and region_code = @region and account = @account and cause = @cause and nature = @nature
              and extract(year from effective_date)::int = @year and date_trunc('quarter', recorded_at at time zone 'UTC')::date = @quarter
            """, conn, tx);
        cmd.Parameters.AddWithValue("region", key.Region);
        cmd.Parameters.AddWithValue("account", key.Account);
        cmd.Parameters.AddWithValue("cause", key.Cause);
        cmd.Parameters.AddWithValue("nature", key.Nature);
        cmd.Parameters.AddWithValue("year", key.Year);
        cmd.Parameters.AddWithValue("quarter", key.Quarter);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Units as hectares with 4 decimals, as text: a forged value may not fit any .NET number.</summary>
    private static string Hectares(string column) => $"round({column}::numeric / {FlowTables.Scale}, 4)::text";

    /// <summary>Positive and negative parts of a total, e.g. <c>+2.5000 ha</c> or <c>+3.0000 / -1.0000 ha</c>.</summary>
    private static string Amount(NpgsqlDataReader r, int at)
    {
        if (r.IsDBNull(at)) return "no row";
        var (pos, neg) = (r.GetString(at), r.GetString(at + 1));
        var zero = 0m.ToString("0.0000", CultureInfo.InvariantCulture);
        string F(string d) => d.StartsWith('-') || d == zero ? d : $"+{d}";
        return neg == zero ? $"{F(pos)} ha" : pos == zero ? $"{F(neg)} ha" : $"{F(pos)} / {F(neg)} ha";
    }
}
