using Ledger.Flows;
using Ledger.Storage;

namespace Ledger.Audit.BalanceSheets;

/// <summary>
/// The two relations a stock read sums: yearly totals and flow rows, both with the columns
/// region_code, account, cause, nature (and the totals' amounts; the rows' amount, dates and
/// stream_id, which a split's part is read by).
/// </summary>
internal sealed record StockSource(string Totals, string Rows)
{
    private static readonly string S = LedgerStore.Schema;

    public static readonly StockSource Accounts = new($"{S}.{FlowTables.Totals}", $"{S}.{FlowTables.Flows}");

    /// <summary>
    /// The land-use classes as accounts: <c>account</c> is the class, <c>cause</c> is
    /// <see cref="LandUseLines.Key"/> of the cause and the class on the other side.
    /// </summary>
    public static readonly StockSource LandUse = new(
        $"(select region_code, land_class as account, cause || '{LandUseLines.Separator}' || other_class as cause, nature, eff_year, rec_quarter, " +
        $"amount_pos, amount_neg from {S}.{FlowTables.LandUseTotals})",
        $"(select region_code, land_class as account, cause || '{LandUseLines.Separator}' || coalesce(other_class, '') as cause, nature, " +
        $"effective_date, recorded_at, amount, null::int as year, stream_id from ({LandUseFlows.Rows($"{S}.{FlowTables.Flows}")}) u)");
}
