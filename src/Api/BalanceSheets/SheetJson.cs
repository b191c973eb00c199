using Ledger.Audit.BalanceSheets;

namespace Ledger.Api.BalanceSheets;

/// <summary>The contract's JSON shape: one entry per account, water with per-year quota, use and overuse.</summary>
public static class SheetJson
{
    public static object Of(BalanceSheet s) => new
    {
        region = s.Region,
        from = s.From,
        to = s.To,
        knownAt = s.KnownAt,
        accounts = s.Stocks.Select(a => (object)new
        {
            account = a.Account,
            unit = a.Unit,
            opening = a.Opening,
            additions = a.Additions.Select(Cause),
            reductions = a.Reductions.Select(Cause),
            closing = a.Closing,
            liabilities = a.Liabilities.Select(Liability),
        }).Append(new
        {
            account = s.Water.Account,
            unit = s.Water.Unit,
            years = s.Water.Years.Select(y => new { year = y.Year, quota = y.Quota, use = y.Use, overuse = y.Overuse }),
            liabilities = s.Water.Liabilities.Select(Liability),
        }),
    };

    private static object Cause(CauseAmount c) => new { cause = c.Cause, nature = c.Nature, amount = c.Amount };

    private static object Liability(Liability l) => new { kind = l.Kind, amount = l.Amount, detail = l.Detail };
}
