using Ledger.Flows;

namespace Ledger.Investigations;

/// <summary>
/// The land-quota figures of a sheet year and the flows behind them: the quota flows of that
/// quota year, or the farmland occupation flows effective in that calendar year (approved or
/// illegal), shown as positive hectares occupied.
/// </summary>
public static class LandQuotaProvenance
{
    /// <summary>Approved farmland occupation in a year (the sheet's <c>used</c>): not an account of its own, a selection of farmland flows.</summary>
    public const string Used = "landQuotaUsed";
    /// <summary>Farmland occupied without approval in a year (the sheet's <c>illegal</c>).</summary>
    public const string Illegal = "landQuotaIllegal";

    public static readonly string[] Accounts = [Flows.Accounts.LandQuota, Flows.Accounts.LandQuotaNewConstruction, Used, Illegal];

    /// <summary>The SQL selection for one of <see cref="Accounts"/> (parameters @low, @high, @account, @cause, @year, @to, @known), or null for other accounts.</summary>
    public static string? Where(string account) => account switch
    {
        Flows.Accounts.LandQuota or Flows.Accounts.LandQuotaNewConstruction => """
            region_code between @low and @high and account = @account and (@cause::text is null or cause = @cause)
            and year = @year and effective_date <= @to and recorded_at <= @known
            """,
        Used or Illegal => $"""
            region_code between @low and @high and account = '{Flows.Accounts.Farmland}' and year is null
            and cause like 'occupation-%{(account == Used ? "-legal" : "-illegal")}' and (@cause::text is null or cause = @cause)
            and effective_date >= make_date(@year, 1, 1) and effective_date <= least(@to, make_date(@year, 12, 31)) and recorded_at <= @known
            and @account = @account
            """,
        _ => null,
    };

    /// <summary>Occupations reduce farmland (negative flows) and are shown as the positive area occupied.</summary>
    public static string Sign(string account) => account is Used or Illegal ? "-" : "";
}
