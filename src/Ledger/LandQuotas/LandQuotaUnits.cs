using Ledger.Regions;

namespace Ledger.LandQuotas;

/// <summary>A region's quota for a year, summed over its allocation and adjustments.</summary>
public sealed record QuotaFigure(string RegionCode, int Year, decimal FarmlandOccupationHa, decimal NewConstructionHa);

/// <summary>Farmland occupied in a region (its own code) in a year: with approval, and without.</summary>
public sealed record UseFigure(string RegionCode, int Year, decimal Approved, decimal Illegal);

/// <summary>
/// One region-year the cap is checked on. <see cref="HasQuota"/> false: approved use in a region
/// with no quota of its own or above it for the year (its <see cref="Used"/> is use without quota).
/// </summary>
public sealed record QuotaUnit(string RegionCode, int Year, bool HasQuota, decimal Quota, decimal NewConstruction, decimal Used,
    decimal Illegal, IReadOnlyList<string> UseRegions)
{
    public decimal Overuse => HasQuota ? Math.Max(0, Used - Quota) : 0;
    public decimal WithoutQuota => HasQuota ? 0 : Used;
}

/// <summary>
/// Which quota an occupation counts against: the quota of the same year held by the nearest
/// region at or above the occupied parcel's region (a county's own, else its prefecture's,
/// else its province's). A prefecture's own quota is therefore what it keeps back for counties
/// without one (预留指标), not the sum of its counties'. Overuse is computed per unit and never
/// netted against another unit's spare quota.
/// </summary>
public static class LandQuotaUnits
{
    public static IReadOnlyList<QuotaUnit> Of(IEnumerable<QuotaFigure> quotas, IEnumerable<UseFigure> uses)
    {
        var quotaByUnit = quotas.GroupBy(q => (q.RegionCode, q.Year))
            .ToDictionary(g => g.Key, g => (Farmland: g.Sum(q => q.FarmlandOccupationHa), Construction: g.Sum(q => q.NewConstructionHa)));
        var useByUnit = uses.GroupBy(u => UnitOf(u.RegionCode, u.Year, quotaByUnit.ContainsKey)).ToDictionary(g => g.Key, g => g.ToList());
        return quotaByUnit.Keys.Union(useByUnit.Keys)
            .OrderBy(k => k.Year).ThenBy(k => k.RegionCode, StringComparer.Ordinal)
            .Select(k =>
            {
                var has = quotaByUnit.TryGetValue(k, out var q);
                var used = useByUnit.GetValueOrDefault(k) ?? [];
                return new QuotaUnit(k.RegionCode, k.Year, has, q.Farmland, q.Construction, used.Sum(u => u.Approved), used.Sum(u => u.Illegal),
                    used.Select(u => u.RegionCode).Distinct().Order(StringComparer.Ordinal).ToList());
            })
            .ToList();
    }

    /// <summary>The unit an occupation in <paramref name="region"/> counts against; the region itself when no quota covers it.</summary>
    public static (string RegionCode, int Year) UnitOf(string region, int year, Func<(string, int), bool> hasQuota)
    {
        foreach (var code in Covering(region))
            if (hasQuota((code, year))) return (code, year);
        return (region, year);
    }

    /// <summary>The region and the regions above it that may hold a quota covering it, nearest first.</summary>
    public static IEnumerable<string> Covering(string region)
    {
        yield return region;
        var prefix = RegionCodes.Prefix(region);
        for (var len = prefix.Length - 2; len >= 2; len -= 2)
            yield return prefix[..len].PadRight(6, '0');
    }
}
