using Ledger.Events;
using Ledger.Flows;
using Ledger.Regions;
using Ledger.Storage;
using NodaTime;
using Npgsql;

namespace Ledger.Audit.BalanceSheets;

/// <summary>Reads a region's flow totals, water and targets for a period, as known at an instant.</summary>
public sealed class SheetQuery(NpgsqlDataSource db)
{
    public async Task<BalanceSheet> BalanceSheetAsync(SheetRequest request, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        // One snapshot for the three reads, so a batch committing in between cannot split the sheet.
        await using var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        await NoParallelWorkersAsync(conn, tx, ct);
        var scope = RegionScope.Of(request.Region, await LineageReader.LoadAsync(conn, tx, request.KnownAt, [], ct), request.To);
        var within = ScopeSql.Within(scope, "region_code");
        var latest = await SheetPlan.LatestRecordedAsync(conn, tx, ct); // once: the snapshot holds it still for every read below
        var stocks = await StocksAsync(conn, tx, request, within, latest, ct);
        stocks.AddRange(await LineageRows.PartStocksAsync(conn, tx, scope, request, ct));
        var transfers = await LineageRows.TransfersAsync(conn, tx, scope, request, ct);
        stocks.AddRange(transfers);
        var classRows = await StocksAsync(conn, tx, request, within, latest, ct, StockSource.LandUse);
        var inOut = request.From.Year == request.To.Year
            ? InOutBalance.Of(classRows, request.From.Year)
            : await InOutBalance.ReadAsync(conn, tx, request, within, latest, ct);
        classRows.AddRange(await LineageRows.PartStocksAsync(conn, tx, scope, request, ct, StockSource.LandUse));
        var landUse = new LandUseAccount(LandUseLines.Of(classRows, transfers));
        var water = await WaterAsync(conn, tx, request, within, ScopeSql.PartsFilter(scope), ct);
        var targets = (await TargetsAsync(conn, tx, request, within, ct))
            .Where(t => scope.Lineage.RetiredOn(t.RegionCode) is not { } retired || retired > request.To).ToList();
        var landQuota = await LandQuotaQuery.ReadAsync(conn, tx, request, scope, latest, ct);
        var overlaps = await OverlapLiabilities.ReadAsync(conn, tx, request, scope, ct);
        var sheet = SheetBuilder.Build(request, stocks, water, targets) with { LandQuota = landQuota, LandUse = landUse, InOutBalance = inOut };
        return OverlapLiabilities.Add(InOutLiability(sheet), overlaps);
    }

    /// <summary>The landUse account alone, read as the sheet reads it (the transitions endpoint).</summary>
    public async Task<LandUseAccount> LandUseAsync(SheetRequest request, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        await NoParallelWorkersAsync(conn, tx, ct);
        var scope = RegionScope.Of(request.Region, await LineageReader.LoadAsync(conn, tx, request.KnownAt, [], ct), request.To);
        var within = ScopeSql.Within(scope, "region_code");
        var latest = await SheetPlan.LatestRecordedAsync(conn, tx, ct);
        var classRows = await StocksAsync(conn, tx, request, within, latest, ct, StockSource.LandUse);
        classRows.AddRange(await LineageRows.PartStocksAsync(conn, tx, scope, request, ct, StockSource.LandUse));
        var transfers = await LineageRows.TransfersAsync(conn, tx, scope, request, ct);
        return new LandUseAccount(LandUseLines.Of(classRows, transfers));
    }

    /// <summary>A deficit of the in-out balance is a liability of the farmland account.</summary>
    internal static BalanceSheet InOutLiability(BalanceSheet sheet) => sheet.InOutBalance.Liability is not { } deficit ? sheet
        : sheet with
        {
            Stocks = sheet.Stocks.Select(s => s.Account == Accounts.Farmland ? s with { Liabilities = [.. s.Liabilities, deficit] } : s).ToList(),
        };

    /// <summary>
    /// A sheet is a handful of small reads: starting parallel workers costs more (10–15 ms each on
    /// a small machine) than the work they would share, and takes cores from concurrent sheets.
    /// </summary>
    internal static async Task NoParallelWorkersAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("set local max_parallel_workers_per_gather = 0", conn, tx);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>All six-digit codes inside a region: <c>410100</c> → 410100..410199. Works under any collation.</summary>
    public static (string Low, string High) CodeRange(string region)
    {
        var prefix = RegionCodes.Prefix(region);
        return (prefix.PadRight(6, '0'), prefix.PadRight(6, '9'));
    }

    /// <summary>
    /// Stock flow totals. Whole calendar years come from the totals table, corrected to knownAt
    /// from the flow rows (<see cref="SheetPlan.Correction"/>); part-years at the period's edges
    /// come from the rows. Together they are every flow with effective date ≤ to and recorded ≤
    /// knownAt, each counted once, so the sum is exact.
    /// </summary>
    /// <param name="latest">The newest recording time in the snapshot (<see cref="SheetPlan.LatestRecordedAsync"/>).</param>
    /// <param name="source">Where the totals and rows are read: the stock accounts, or the land-use classes (<see cref="StockSource.LandUse"/>).</param>
    internal static async Task<List<StockRow>> StocksAsync(NpgsqlConnection conn, NpgsqlTransaction tx, SheetRequest r, ScopeSql within,
        Instant? latest, CancellationToken ct, StockSource? source = null)
    {
        source ??= StockSource.Accounts;
        var plan = SheetPlan.For(r, latest);
        var (correction, sign) = plan.Correction;
        // Everything in units of 1/10000 (the totals' unit), converted back once in C#.
        static string Sums(string sign) => $"""
            {sign}coalesce(sum(amount) filter (where effective_date < @from), 0) * 10000,
            {sign}coalesce(sum(amount) filter (where effective_date >= @from and amount > 0), 0) * 10000,
            {sign}coalesce(sum(-amount) filter (where effective_date >= @from and amount < 0), 0) * 10000
            """;
        var edge = plan.EdgeSql;
        var f = source.Rows;
        await using var cmd = new NpgsqlCommand($"""
            select region_code, account, cause, nature,
                   coalesce(sum(amount_pos + amount_neg) filter (where eff_year < @y1), 0),
                   coalesce(sum(amount_pos) filter (where eff_year between @ws and @we), 0),
                   coalesce(sum(-amount_neg) filter (where eff_year between @ws and @we), 0)
            from {source.Totals} t
            where {within.Sql} and rec_quarter < @quarter and (eff_year < @y1 or eff_year between @ws and @we)
            group by 1, 2, 3, 4
            union all
            select region_code, account, cause, nature, {Sums("")}
            from {f} f
            where year is null and {within.Sql} and recorded_at <= @known and {edge}
            group by 1, 2, 3, 4
            union all
            select region_code, account, cause, nature, {Sums(sign)}
            from {f} f
            where year is null and {within.Sql} and {correction}
              and effective_date <= @to and not {edge}
            group by 1, 2, 3, 4
            """, conn, tx);
        Bind(cmd, r, within);
        cmd.Parameters.AddWithValue("y1", r.From.Year);
        cmd.Parameters.AddWithValue("ws", plan.WholeFrom);
        cmd.Parameters.AddWithValue("we", plan.WholeTo);
        cmd.Parameters.AddWithValue("quarter", plan.TotalsBefore);
        cmd.Parameters.AddWithValue("quarterStart", plan.KnownQuarterStart.ToDateTimeUtc());
        cmd.Parameters.AddWithValue("e1s", plan.Edge1.Start);
        cmd.Parameters.AddWithValue("e1e", plan.Edge1.End);
        cmd.Parameters.AddWithValue("e2s", plan.Edge2.Start);
        cmd.Parameters.AddWithValue("e2e", plan.Edge2.End);

        var parts = new List<StockRow>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                parts.Add(new StockRow(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    reader.GetDecimal(4), reader.GetDecimal(5), reader.GetDecimal(6)));
        return parts.GroupBy(p => (p.RegionCode, p.Account, p.Cause, p.Nature))
            .Select(g => new StockRow(g.Key.RegionCode, g.Key.Account, g.Key.Cause, g.Key.Nature,
                FromUnits(g.Sum(p => p.Before)), FromUnits(g.Sum(p => p.Added)), FromUnits(g.Sum(p => p.Reduced))))
            .ToList();
    }

    /// <summary>Exact: the sums are whole numbers of 1/10000; trailing zeros are dropped (2.5, not 2.5000).</summary>
    internal static decimal FromUnits(decimal units) => Quantities.Normalize(units / FlowTables.Scale);

    internal static async Task<List<WaterRow>> WaterAsync(NpgsqlConnection conn, NpgsqlTransaction tx, SheetRequest r, ScopeSql within,
        ScopeSql parts, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            select region_code, year,
                   coalesce(sum(amount) filter (where account = '{Accounts.WaterQuota}'), 0),
                   coalesce(sum(amount) filter (where account = '{Accounts.WaterUse}'), 0)
            from {LedgerStore.Schema}.{FlowTables.Flows}
            where ({within.Sql} or {parts.Sql}) and year between @fromYear and @toYear
              and account in ('{Accounts.WaterQuota}', '{Accounts.WaterUse}')
              and effective_date <= @to and recorded_at <= @known
            group by region_code, year
            """, conn, tx);
        Bind(cmd, r, within);
        parts.Bind(cmd);
        cmd.Parameters.AddWithValue("fromYear", r.From.Year);
        cmd.Parameters.AddWithValue("toYear", r.To.Year);
        var rows = new List<WaterRow>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            rows.Add(new WaterRow(reader.GetString(0), reader.GetInt32(1), reader.GetDecimal(2), reader.GetDecimal(3)));
        return rows;
    }

    internal static async Task<List<TargetInForce>> TargetsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, SheetRequest r, ScopeSql within,
        CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            select distinct on (region_code) region_code, retention_ha, permanent_basic_ha, effective_date
            from {LedgerStore.Schema}.{FlowTables.Targets}
            where {within.Sql} and effective_date <= @to and recorded_at <= @known
            order by region_code, effective_date desc, seq desc
            """, conn, tx);
        Bind(cmd, r, within);
        var rows = new List<TargetInForce>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            rows.Add(new TargetInForce(reader.GetString(0), reader.GetDecimal(1), reader.GetDecimal(2),
                LocalDate.FromDateOnly(reader.GetFieldValue<DateOnly>(3))));
        return rows;
    }

    internal static void Bind(NpgsqlCommand cmd, SheetRequest r, ScopeSql within)
    {
        within.Bind(cmd);
        cmd.Parameters.AddWithValue("from", r.From.ToDateOnly());
        cmd.Parameters.AddWithValue("to", r.To.ToDateOnly());
        cmd.Parameters.AddWithValue("known", r.KnownAt.ToDateTimeUtc());
    }
}
