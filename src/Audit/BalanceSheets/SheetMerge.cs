namespace Ledger.Audit.BalanceSheets;

/// <summary>
/// The nation's sheet from each database's sheet of the nation (contract 1.2: a province's events
/// are in one database only, so the parts are disjoint). Every figure is a sum of decimals, so the
/// merged sheet is exact; liabilities of one kind (and year, for water) become one, their details joined.
/// </summary>
public static class SheetMerge
{
    public static BalanceSheet Sum(IReadOnlyList<BalanceSheet> parts)
    {
        if (parts.Count == 1) return parts[0];
        var first = parts[0];
        var stocks = first.Stocks.Select(s =>
        {
            var all = parts.Select(p => p.Stock(s.Account)).ToList();
            return s with
            {
                Opening = all.Sum(x => x.Opening),
                Additions = Causes(all.SelectMany(x => x.Additions)),
                Reductions = Causes(all.SelectMany(x => x.Reductions)),
                Closing = all.Sum(x => x.Closing),
                Liabilities = Liabilities(all.SelectMany(x => x.Liabilities), l => l.Kind),
            };
        }).ToList();
        var water = first.Water with
        {
            Years = first.Water.Years.Select(y =>
            {
                var all = parts.Select(p => p.Water.Years.Single(x => x.Year == y.Year)).ToList();
                return new WaterYear(y.Year, all.Sum(x => x.Quota), all.Sum(x => x.Use), all.Sum(x => x.Overuse));
            }).ToList(),
            // One water liability per year, its detail starting "2024: ".
            Liabilities = Liabilities(parts.SelectMany(p => p.Water.Liabilities), l => l.Kind + "|" + l.Detail.Split(':')[0]),
        };
        var years = parts.SelectMany(p => p.LandQuota.Years).GroupBy(y => y.Year).OrderBy(g => g.Key)
            .Select(g => new LandQuotaYear(g.Key, g.Sum(y => y.Quota), g.Sum(y => y.Used), g.Sum(y => y.Illegal), g.Sum(y => y.Overuse),
                g.Sum(y => y.WithoutQuota), g.Sum(y => y.NewConstructionQuota)))
            .ToList();
        var landQuota = first.LandQuota with
        {
            Years = years, Liabilities = Liabilities(parts.SelectMany(p => p.LandQuota.Liabilities), l => l.Kind),
        };
        return first with
        {
            Stocks = stocks, Water = water, LandQuota = landQuota,
            LandUse = new LandUseAccount(parts.SelectMany(p => p.LandUse.Lines).ToList()),
            InOutBalance = new InOutBalance(parts.SelectMany(p => p.InOutBalance.Years).ToList()),
        };
    }

    private static List<CauseAmount> Causes(IEnumerable<CauseAmount> all) =>
        all.GroupBy(c => (c.Cause, c.Nature)).Select(g => new CauseAmount(g.Key.Cause, g.Key.Nature, g.Sum(c => c.Amount))).ToList();

    private static List<Liability> Liabilities(IEnumerable<Liability> all, Func<Liability, string> key) =>
        all.GroupBy(key).Select(g => new Liability(g.First().Kind, g.Sum(l => l.Amount), string.Join("; ", g.Select(l => l.Detail)))).ToList();
}
