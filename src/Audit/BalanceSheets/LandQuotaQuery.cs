using Ledger.Events;
using Ledger.Flows;
using Ledger.LandQuotas;
using Ledger.Regions;
using Ledger.Storage;
using Npgsql;

namespace Ledger.Audit.BalanceSheets;

/// <summary>
/// Reads a sheet's land-quota figures inside the sheet's snapshot: the quota flows of the
/// period's years (by quota year) and the farmland occupation flows effective in those years, up
/// to the sheet's end, as known at its knowledge time.
/// </summary>
public static class LandQuotaQuery
{
    /// <summary>Farmland flows of occupations: the cause is <c>occupation-{purpose}-legal|illegal</c>.</summary>
    public const string OccupationCause = "occupation-%";

    /// <param name="scope">The region's territory as of the sheet's end (its predecessors' region-years included), as for the other accounts.</param>
    /// <param name="latest">The newest recording time in the snapshot (<see cref="SheetPlan.LatestRecordedAsync"/>).</param>
    public static async Task<LandQuotaAccount> ReadAsync(NpgsqlConnection conn, NpgsqlTransaction tx, SheetRequest r, RegionScope scope,
        NodaTime.Instant? latest, CancellationToken ct)
    {
        var within = ScopeSql.Within(scope, "region_code");
        var parts = ScopeSql.PartsFilter(scope);
        var above = LandQuotaUnits.Covering(r.Region).Skip(1).ToArray();
        var f = $"{LedgerStore.Schema}.{FlowTables.Flows}";
        var quotas = new List<QuotaFigure>();
        await using (var cmd = Command($"""
            select region_code, year,
                   coalesce(sum(amount) filter (where account = '{Accounts.LandQuota}'), 0),
                   coalesce(sum(amount) filter (where account = '{Accounts.LandQuotaNewConstruction}'), 0)
            from {f}
            where ({within.Sql} or {parts.Sql} or region_code = any(@above)) and year between @fromYear and @toYear
              and account in ('{Accounts.LandQuota}', '{Accounts.LandQuotaNewConstruction}')
              and effective_date <= @to and recorded_at <= @known
            group by region_code, year
            """))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                quotas.Add(new QuotaFigure(reader.GetString(0), reader.GetInt32(1), reader.GetDecimal(2), reader.GetDecimal(3)));

        var uses = await UsesAsync(conn, tx, r, within, latest, ct);
        if (scope.Parts.Count > 0) uses.AddRange(await PartUsesAsync(conn, tx, r, parts, ct));
        return LandQuotaSheet.Build(r, quotas, uses, code => scope.Holds(code) || scope.Parts.Any(p => p.Code == code));

        NpgsqlCommand Command(string sql)
        {
            var cmd = new NpgsqlCommand(sql, conn, tx);
            within.Bind(cmd);
            parts.Bind(cmd);
            cmd.Parameters.AddWithValue("above", above);
            cmd.Parameters.AddWithValue("fromYear", r.From.Year);
            cmd.Parameters.AddWithValue("toYear", r.To.Year);
            cmd.Parameters.AddWithValue("yearStart", new DateOnly(r.From.Year, 1, 1));
            cmd.Parameters.AddWithValue("to", r.To.ToDateOnly());
            cmd.Parameters.AddWithValue("known", r.KnownAt.ToDateTimeUtc());
            return cmd;
        }
    }

    /// <summary>
    /// Occupation in the scope's own codes, split like the stock accounts (<see cref="SheetPlan"/>):
    /// whole years from the yearly totals corrected to knownAt from the rows, the part-year up
    /// to the sheet's end from the rows. Always whole years from the period's first year, since
    /// a quota is yearly.
    /// </summary>
    private static async Task<List<UseFigure>> UsesAsync(NpgsqlConnection conn, NpgsqlTransaction tx, SheetRequest r, ScopeSql within,
        NodaTime.Instant? latest, CancellationToken ct)
    {
        var plan = SheetPlan.For(r with { From = new NodaTime.LocalDate(r.From.Year, 1, 1) }, latest);
        var (correction, sign) = plan.Correction;
        const string farmland = $"account = '{Accounts.Farmland}' and cause like '{OccupationCause}'";
        var edge = plan.EdgeSql; // the last year's part only: the period starts on 1 January here
        var f = $"{LedgerStore.Schema}.{FlowTables.Flows}";
        await using var cmd = new NpgsqlCommand($"""
            select region_code, eff_year,
                   coalesce(sum(-(amount_pos + amount_neg)) filter (where cause like '%-legal'), 0),
                   coalesce(sum(-(amount_pos + amount_neg)) filter (where cause like '%-illegal'), 0)
            from {LedgerStore.Schema}.{FlowTables.Totals}
            where {within.Sql} and {farmland} and rec_quarter < @quarter and eff_year between @ws and @we
            group by 1, 2
            union all
            select region_code, extract(year from effective_date)::int,
                   coalesce(sum(-amount) filter (where cause like '%-legal'), 0) * 10000,
                   coalesce(sum(-amount) filter (where cause like '%-illegal'), 0) * 10000
            from {f}
            where year is null and {within.Sql} and {farmland} and recorded_at <= @known and {edge}
            group by 1, 2
            union all
            select region_code, extract(year from effective_date)::int,
                   {sign}coalesce(sum(-amount) filter (where cause like '%-legal'), 0) * 10000,
                   {sign}coalesce(sum(-amount) filter (where cause like '%-illegal'), 0) * 10000
            from {f}
            where year is null and {within.Sql} and {farmland} and {correction}
              and effective_date between @yearStart and @to and not {edge}
            group by 1, 2
            """, conn, tx);
        within.Bind(cmd);
        cmd.Parameters.AddWithValue("quarter", plan.TotalsBefore);
        cmd.Parameters.AddWithValue("quarterStart", plan.KnownQuarterStart.ToDateTimeUtc());
        cmd.Parameters.AddWithValue("ws", plan.WholeFrom);
        cmd.Parameters.AddWithValue("we", plan.WholeTo);
        cmd.Parameters.AddWithValue("e2s", plan.Edge2.Start);
        cmd.Parameters.AddWithValue("e2e", plan.Edge2.End);
        cmd.Parameters.AddWithValue("yearStart", new DateOnly(r.From.Year, 1, 1));
        cmd.Parameters.AddWithValue("to", r.To.ToDateOnly());
        cmd.Parameters.AddWithValue("known", r.KnownAt.ToDateTimeUtc());
        var uses = new List<UseFigure>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            uses.Add(new UseFigure(reader.GetString(0), reader.GetInt32(1), SheetQuery.FromUnits(reader.GetDecimal(2)), SheetQuery.FromUnits(reader.GetDecimal(3))));
        return uses;
    }

    /// <summary>Occupation on the streams split predecessors passed to this region: from the rows, as the totals know no streams.</summary>
    private static async Task<List<UseFigure>> PartUsesAsync(NpgsqlConnection conn, NpgsqlTransaction tx, SheetRequest r, ScopeSql parts,
        CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            select region_code, extract(year from effective_date)::int,
                   coalesce(sum(-amount) filter (where cause like '%-legal'), 0),
                   coalesce(sum(-amount) filter (where cause like '%-illegal'), 0)
            from {LedgerStore.Schema}.{FlowTables.Flows}
            where {parts.Sql} and year is null and account = '{Accounts.Farmland}' and cause like '{OccupationCause}'
              and effective_date >= @yearStart and effective_date <= @to and recorded_at <= @known
            group by 1, 2
            """, conn, tx);
        parts.Bind(cmd);
        cmd.Parameters.AddWithValue("yearStart", new DateOnly(r.From.Year, 1, 1));
        cmd.Parameters.AddWithValue("to", r.To.ToDateOnly());
        cmd.Parameters.AddWithValue("known", r.KnownAt.ToDateTimeUtc());
        var uses = new List<UseFigure>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            uses.Add(new UseFigure(reader.GetString(0), reader.GetInt32(1), reader.GetDecimal(2), reader.GetDecimal(3)));
        return uses;
    }
}
