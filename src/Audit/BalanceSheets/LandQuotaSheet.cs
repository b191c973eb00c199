using Ledger.Events;
using Ledger.LandQuotas;
using Ledger.Regions;

namespace Ledger.Audit.BalanceSheets;

/// <param name="Quota">Farmland-occupation quotas (占用耕地指标) held inside the region for the year.</param>
/// <param name="Used">Farmland occupied with approval in the region in the year.</param>
/// <param name="Illegal">Farmland occupied without approval in the region in the year (never covered by a quota).</param>
/// <param name="Overuse">Σ max(0, used − quota) over the quota units inside the region: one unit's spare quota never offsets another's overuse.</param>
/// <param name="WithoutQuota">Approved occupation in regions that had no quota of their own or above them for the year.</param>
/// <param name="NewConstructionQuota">New-construction-land quotas (新增建设用地指标) held inside the region for the year.</param>
public sealed record LandQuotaYear(int Year, decimal Quota, decimal Used, decimal Illegal, decimal Overuse, decimal WithoutQuota,
    decimal NewConstructionQuota);

/// <summary>The annual land-use caps: a flow account per year, like water.</summary>
public sealed record LandQuotaAccount(string Account, string Unit, IReadOnlyList<LandQuotaYear> Years, IReadOnlyList<Liability> Liabilities)
{
    public static readonly LandQuotaAccount Empty = new(Ledger.Flows.Accounts.LandQuota, SheetBuilder.AreaUnit, [], []);
}

public static class LandQuotaSheet
{
    public const string OveruseKind = "landQuotaOveruse";
    public const string WithoutQuotaKind = "landUseWithoutQuota";

    /// <param name="quotas">Quotas of the region, its sub-regions and the regions above it (which may cover its occupations).</param>
    /// <param name="uses">Occupation inside the region.</param>
    /// <param name="inside">Whether a unit's code is inside the sheet's territory (its own codes and its predecessors'); default: by prefix.</param>
    public static LandQuotaAccount Build(SheetRequest request, IReadOnlyList<QuotaFigure> quotas, IReadOnlyList<UseFigure> uses,
        Func<string, bool>? inside = null)
    {
        inside ??= code => RegionCodes.Contains(request.Region, code);
        // Units above the region are its holders' business: their use is only partly inside this sheet.
        var units = LandQuotaUnits.Of(quotas, uses).Where(u => inside(u.RegionCode)).ToList();
        var years = Enumerable.Range(request.From.Year, request.To.Year - request.From.Year + 1).Select(y =>
        {
            var ofYear = units.Where(u => u.Year == y).ToList();
            var used = uses.Where(u => u.Year == y).ToList();
            return new LandQuotaYear(y, N(ofYear.Sum(u => u.Quota)), N(used.Sum(u => u.Approved)), N(used.Sum(u => u.Illegal)),
                N(ofYear.Sum(u => u.Overuse)), N(ofYear.Sum(u => u.WithoutQuota)), N(ofYear.Sum(u => u.NewConstruction)));
        }).ToList();

        var liabilities = new List<Liability>();
        foreach (var y in years)
        {
            var over = units.Where(u => u.Year == y.Year && u.Overuse > 0).ToList();
            if (over.Count > 0)
                liabilities.Add(new Liability(OveruseKind, y.Overuse, $"{y.Year}: " + string.Join("; ", over.Select(u =>
                    $"{u.RegionCode}: approved occupation {u.Used:0.####} ha over a quota of {u.Quota:0.####} ha"))));
            var without = units.Where(u => u.Year == y.Year && u.WithoutQuota > 0).ToList();
            if (without.Count > 0)
                liabilities.Add(new Liability(WithoutQuotaKind, y.WithoutQuota, $"{y.Year}: " + string.Join("; ", without.Select(u =>
                    $"{u.RegionCode}: approved occupation {u.Used:0.####} ha with no quota for the year at or above the region"))));
        }
        return new LandQuotaAccount(Ledger.Flows.Accounts.LandQuota, SheetBuilder.AreaUnit, years, liabilities);
    }

    private static decimal N(decimal d) => Quantities.Normalize(d);
}
