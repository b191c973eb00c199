using NodaTime;

namespace Ledger.Audit.BalanceSheets;

public sealed record SheetRequest(string Region, LocalDate From, LocalDate To, Instant KnownAt);

public sealed record CauseAmount(string Cause, string Nature, decimal Amount);

/// <param name="Kind">farmlandBelowRetentionTarget, permanentBasicBelowTarget, waterOveruse, miningDamagedUnreclaimed, redLineEncroachmentsOpen, landQuotaOveruse, landUseWithoutQuota, redLineOverlapsOpen, permanentBasicOverlapsOpen.</param>
/// <param name="Detail">What the amount is measured against.</param>
public sealed record Liability(string Kind, decimal Amount, string Detail);

/// <summary>A stock account: opening + additions − reductions = closing, exactly.</summary>
public sealed record StockAccount(string Account, string Unit, decimal Opening, IReadOnlyList<CauseAmount> Additions,
    IReadOnlyList<CauseAmount> Reductions, decimal Closing, IReadOnlyList<Liability> Liabilities)
{
    public decimal TotalAdditions => Additions.Sum(a => a.Amount);
    public decimal TotalReductions => Reductions.Sum(a => a.Amount);
}

public sealed record WaterYear(int Year, decimal Quota, decimal Use, decimal Overuse);

/// <summary>Water is a flow account: per year, quota, use and overuse (use beyond quota, per region and year, never netted).</summary>
public sealed record WaterAccount(string Account, string Unit, IReadOnlyList<WaterYear> Years, IReadOnlyList<Liability> Liabilities);

public sealed record BalanceSheet(string Region, LocalDate From, LocalDate To, Instant KnownAt,
    IReadOnlyList<StockAccount> Stocks, WaterAccount Water)
{
    public StockAccount Stock(string account) => Stocks.Single(s => s.Account == account);

    /// <summary>The annual land-use caps (contract 1.3); an init property so the sheet's positional shape stays as it was.</summary>
    public LandQuotaAccount LandQuota { get; init; } = LandQuotaAccount.Empty;

    /// <summary>Land of every class (contract 1.8).</summary>
    public LandUseAccount LandUse { get; init; } = LandUseAccount.Empty;

    /// <summary>耕地进出平衡 per county-year, shown under the farmland account (contract 1.8).</summary>
    public InOutBalance InOutBalance { get; init; } = InOutBalance.Empty;
}
