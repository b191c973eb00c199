using System.Globalization;
using Ledger.Flows;
using Ledger.LandUse;
using Ledger.Regions;
using Ledger.Storage;
using NodaTime;
using Npgsql;

namespace Ledger.Audit.BalanceSheets;

/// <summary>
/// 耕地进出平衡 of one county and year (自然资发〔2021〕166号): farmland turned into other
/// agricultural land (out) against such land restored to farmland (in); the deficit is what was
/// not offset in that county in that year.
/// </summary>
public sealed record InOutYear(string RegionCode, int Year, decimal Out, decimal In)
{
    public decimal Deficit => Math.Max(0, Out - In);
}

/// <summary>The county-years of a sheet; deficits are summed, never netted against another county's or year's surplus.</summary>
public sealed record InOutBalance(IReadOnlyList<InOutYear> Years)
{
    public static readonly InOutBalance Empty = new([]);

    public decimal Out => Years.Sum(y => y.Out);
    public decimal In => Years.Sum(y => y.In);
    public decimal Deficit => Years.Sum(y => y.Deficit);

    public Liability? Liability => Deficit == 0 ? null
        : new Liability("farmlandInOutDeficit", Deficit, string.Join("; ", Years.Where(y => y.Deficit > 0)
            .Select(y => $"{y.RegionCode} {y.Year}: {y.Out:0.####} ha of farmland to other agricultural land, {y.In:0.####} ha restored")));

    /// <summary>
    /// Read as a stock read is (<see cref="SheetQuery.StocksAsync"/>): whole years from
    /// <c>landuse_totals</c>, the period's edges and the knownAt correction from the flow rows, so
    /// the ingest keeps no index of its own for it. Each county-year is an account (the year) with
    /// two causes, <c>out</c> and <c>in</c>, whose reductions are the two sides.
    /// </summary>
    internal static async Task<InOutBalance> ReadAsync(NpgsqlConnection conn, NpgsqlTransaction tx, SheetRequest r, ScopeSql within,
        Instant? latest, CancellationToken ct)
    {
        var rows = await SheetQuery.StocksAsync(conn, tx, r, within, latest, ct, Source);
        var years = rows.Where(row => row.Reduced != 0)
            .GroupBy(row => (row.RegionCode, Year: int.Parse(row.Account, CultureInfo.InvariantCulture)))
            .Select(g => new InOutYear(g.Key.RegionCode, g.Key.Year,
                Normalize(g.Where(row => row.Cause == "out").Sum(row => row.Reduced)), Normalize(g.Where(row => row.Cause == "in").Sum(row => row.Reduced))))
            .Where(y => y.Year >= r.From.Year && y.Year <= r.To.Year)
            .OrderBy(y => y.RegionCode, StringComparer.Ordinal).ThenBy(y => y.Year)
            .ToList();
        return new InOutBalance(years);
    }

    /// <summary>
    /// A period inside one year needs no read of its own: its county-years are the land-use
    /// classes' reductions already read for the sheet (<see cref="StockSource.LandUse"/>, before
    /// any lineage part is added), farmland's to other agricultural land and theirs to farmland.
    /// </summary>
    internal static InOutBalance Of(IEnumerable<StockRow> classRows, int year)
    {
        var years = classRows.Where(r => r.Reduced != 0)
            .Select(r => (Row: r, Side: LandUseLines.Split(r.Cause).Other is { } other ? Side(r.Account, other) : null))
            .Where(x => x.Side is not null)
            .GroupBy(x => x.Row.RegionCode)
            .Select(g => new InOutYear(g.Key, year, Normalize(g.Where(x => x.Side == "out").Sum(x => x.Row.Reduced)),
                Normalize(g.Where(x => x.Side == "in").Sum(x => x.Row.Reduced))))
            .OrderBy(y => y.RegionCode, StringComparer.Ordinal)
            .ToList();
        return new InOutBalance(years);
    }

    private static string? Side(string landClass, string other) =>
        LandClasses.IsInOutOut(landClass, other) ? "out" : LandClasses.IsInOutIn(landClass, other) ? "in" : null;

    /// <summary>Farmland gone to other agricultural land (out) and such land gone to farmland (in): the reductions of each side's class.</summary>
    private static readonly StockSource Source = SourceOf(LandClasses.OtherAgricultural);

    private static StockSource SourceOf(IReadOnlyList<string> agricultural)
    {
        var agri = string.Join(", ", agricultural.Select(c => $"'{c}'"));
        var sides = $"(land_class like '01%' and other_class in ({agri})) or (other_class like '01%' and land_class in ({agri}))";
        const string cause = "case when land_class like '01%' then 'out' else 'in' end";
        var s = LedgerStore.Schema;
        return new StockSource(
            $"(select region_code, eff_year::text as account, {cause} as cause, '' as nature, eff_year, rec_quarter, 0::bigint as amount_pos, " +
            $"amount_neg from {s}.{FlowTables.LandUseTotals} where {sides})",
            $"(select region_code, extract(year from effective_date)::int::text as account, {cause} as cause, '' as nature, effective_date, " +
            $"recorded_at, amount, null::int as year, stream_id from {s}.{FlowTables.Flows} where amount < 0 and ({sides}))");
    }

    private static decimal Normalize(decimal d) => Ledger.Events.Quantities.Normalize(d);
}
