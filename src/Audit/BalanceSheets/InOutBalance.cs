using Ledger.Flows;
using Ledger.LandUse;
using Ledger.Regions;
using Ledger.Storage;
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
    /// Read from the flow rows that changed class (a partial index holds only those): farmland rows
    /// gone to other agricultural land, and land-use rows of such land gone to farmland.
    /// </summary>
    public static async Task<InOutBalance> ReadAsync(NpgsqlConnection conn, NpgsqlTransaction tx, SheetRequest r, ScopeSql within,
        CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            select region_code, extract(year from effective_date)::int,
                   coalesce(sum(-amount) filter (where land_class like '01%'), 0),
                   coalesce(sum(-amount) filter (where other_class like '01%'), 0)
            from {LedgerStore.Schema}.{FlowTables.Flows}
            where other_class is not null and {within.Sql} and effective_date between @from and @to and recorded_at <= @known and amount < 0
              and ((land_class like '01%' and other_class = any(@agri)) or (other_class like '01%' and land_class = any(@agri)))
            group by 1, 2 order by 1, 2
            """, conn, tx);
        SheetQuery.Bind(cmd, r, within);
        cmd.Parameters.AddWithValue("agri", LandClasses.OtherAgricultural.ToArray());
        var years = new List<InOutYear>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            years.Add(new InOutYear(reader.GetString(0), reader.GetInt32(1), Normalize(reader.GetDecimal(2)), Normalize(reader.GetDecimal(3))));
        return new InOutBalance(years);
    }

    private static decimal Normalize(decimal d) => Ledger.Events.Quantities.Normalize(d);
}
