using Ledger.Events;
using Ledger.Flows;
using Ledger.Regions;
using static Ledger.Flows.Accounts;

namespace Ledger.Audit.BalanceSheets;

/// <summary>
/// Assembles a sheet from summed flow rows. Pure and exact: every figure is a decimal sum of
/// the same rows, so opening + additions − reductions = closing, and a region's figures are
/// the sums of its counties'.
/// </summary>
public static class SheetBuilder
{
    public const string AreaUnit = "ha";
    public const string WaterUnit = "10^4 m3";

    public static BalanceSheet Build(SheetRequest request, IReadOnlyList<StockRow> stocks, IReadOnlyList<WaterRow> water,
        IReadOnlyList<TargetInForce> targets)
    {
        var closingByRegion = stocks.GroupBy(r => (r.RegionCode, r.Account))
            .ToDictionary(g => g.Key, g => g.Sum(r => r.Before + r.Added - r.Reduced));
        decimal ClosingIn(string region, string account) =>
            closingByRegion.Where(kv => kv.Key.Account == account && RegionCodes.Contains(region, kv.Key.RegionCode)).Sum(kv => kv.Value);

        var binding = Binding(targets);
        var accounts = Stocks.Select(account =>
        {
            var rows = stocks.Where(r => r.Account == account).ToList();
            var opening = Quantities.Normalize(rows.Sum(r => r.Before));
            var additions = Causes(rows, r => r.Added);
            var reductions = Causes(rows, r => r.Reduced);
            var closing = Quantities.Normalize(opening + additions.Sum(a => a.Amount) - reductions.Sum(a => a.Amount));
            var liabilities = account switch
            {
                Accounts.Farmland => Shortfall("farmlandBelowRetentionTarget", binding, t => t.RetentionHa, t => ClosingIn(t.RegionCode, Accounts.Farmland), "retention target (耕地保有量)"),
                PermanentBasicFarmland => Shortfall("permanentBasicBelowTarget", binding, t => t.PermanentBasicHa,
                    t => ClosingIn(t.RegionCode, PermanentBasicFarmland), "permanent basic farmland target (永久基本农田)"),
                MiningDamagedUnreclaimed when closing > 0 =>
                    [new Liability("miningDamagedUnreclaimed", closing, $"damaged mining land not reclaimed on {request.To:yyyy-MM-dd}")],
                RedLine => OpenEncroachments(stocks, request),
                _ => [],
            };
            return new StockAccount(account, AreaUnit, opening, additions, reductions, closing, liabilities);
        }).ToList();

        return new BalanceSheet(request.Region, request.From, request.To, request.KnownAt, accounts, Water(water, request));
    }

    private static List<CauseAmount> Causes(IEnumerable<StockRow> rows, Func<StockRow, decimal> amount) =>
        rows.GroupBy(r => (r.Cause, r.Nature))
            .Select(g => new CauseAmount(g.Key.Cause, g.Key.Nature, Quantities.Normalize(g.Sum(amount))))
            .Where(c => c.Amount != 0)
            .OrderBy(c => c.Cause, StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// The targets that bind this sheet: a region's own target if it has one, otherwise those
    /// of its nearest descendants that do (a county's target is not counted again under its
    /// prefecture's).
    /// </summary>
    private static List<TargetInForce> Binding(IReadOnlyList<TargetInForce> targets) =>
        targets.Where(t => !targets.Any(a => a.RegionCode != t.RegionCode && RegionCodes.Contains(a.RegionCode, t.RegionCode))).ToList();

    /// <summary>Each binding target's shortfall, summed: a surplus in one county does not pay another's debt.</summary>
    private static List<Liability> Shortfall(string kind, List<TargetInForce> binding, Func<TargetInForce, decimal> target,
        Func<TargetInForce, decimal> actual, string what)
    {
        var shortfalls = binding.Select(t => (t, Gap: target(t) - actual(t))).Where(x => x.Gap > 0).ToList();
        if (shortfalls.Count == 0) return [];
        var detail = string.Join("; ", shortfalls.Select(s =>
            $"{s.t.RegionCode}: {actual(s.t):0.####} ha against a {what} of {target(s.t):0.####} ha in force since {s.t.EffectiveDate:yyyy-MM-dd}"));
        return [new Liability(kind, shortfalls.Sum(s => s.Gap), detail)];
    }

    private static List<Liability> OpenEncroachments(IReadOnlyList<StockRow> stocks, SheetRequest request)
    {
        var open = stocks.Where(r => r.Account == RedLineEncroachedOpen).Sum(r => r.Before + r.Added - r.Reduced);
        return open > 0
            ? [new Liability("redLineEncroachmentsOpen", open, $"red-line area encroached and not rectified on {request.To:yyyy-MM-dd}")]
            : [];
    }

    private static WaterAccount Water(IReadOnlyList<WaterRow> rows, SheetRequest request)
    {
        var years = Enumerable.Range(request.From.Year, request.To.Year - request.From.Year + 1).Select(y =>
        {
            var ofYear = rows.Where(r => r.Year == y).ToList();
            return new WaterYear(y, ofYear.Sum(r => r.Quota), ofYear.Sum(r => r.Use), ofYear.Sum(r => Math.Max(0, r.Use - r.Quota)));
        }).ToList();
        var liabilities = years.Where(y => y.Overuse > 0).Select(y =>
        {
            var over = rows.Where(r => r.Year == y.Year && r.Use > r.Quota).Select(r => $"{r.RegionCode}: use {r.Use:0.####} over quota {r.Quota:0.####}");
            return new Liability("waterOveruse", y.Overuse, $"{y.Year}: {string.Join("; ", over)} (10^4 m3)");
        }).ToList();
        return new WaterAccount("water", WaterUnit, years, liabilities);
    }
}
