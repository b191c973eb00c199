using Ledger.Events;
using Ledger.LandUse;

namespace Ledger.Audit.Departure;

/// <summary>
/// Two indicators over the whole tenure, shown only under rule sets that measure 耕地进出平衡
/// (national@2026.4 on), so reports issued under earlier rule sets regenerate byte for byte:
/// <c>farmlandInOut</c> (out, in and the deficit summed per county-year) and
/// <c>farmlandDestinations</c> (where farmland went: the area by destination 一级类).
/// </summary>
public static class InOutIndicators
{
    /// <summary>English names of the 一级类, for the report's bilingual parts.</summary>
    private static readonly IReadOnlyDictionary<string, string> GroupsEn = new Dictionary<string, string>
    {
        ["00"] = "wetland", ["01"] = "cultivated land", ["02"] = "plantation land", ["03"] = "forest land", ["04"] = "grassland",
        ["05"] = "commercial and service land", ["06"] = "industrial and mining land", ["07"] = "residential land",
        ["08"] = "public administration and service land", ["09"] = "special land", ["10"] = "transport land",
        ["11"] = "water and water-conservancy land", ["12"] = "other land",
    };

    public static IEnumerable<Indicator> For(AuditInputs inputs, RuleSet rules)
    {
        if (!rules.Modules.SelectMany(m => m.Rules).Concat(rules.Flags).Any(r => InOutMeasures.Names.Contains(r.Measure))) yield break;
        var (start, end) = (inputs.Tenure.Start, inputs.End);

        var years = InOutMeasures.Years(inputs, start, end);
        var deficit = Quantities.Normalize(years.Sum(y => y.Deficit));
        yield return new Indicator("farmlandInOut", "耕地进出平衡", "Farmland in-out balance", "ha", null, null, null, null,
            years.Count > 0 ? deficit == 0 : null, "每个县每年 流入耕地 ≥ 流出为其他农用地 / in each county and year, restored ≥ turned into other agricultural land",
            [
                new IndicatorPart("out", "流出为其他农用地", "turned into other agricultural land", Quantities.Normalize(years.Sum(y => y.Out))),
                new IndicatorPart("in", "其他农用地恢复为耕地", "restored from other agricultural land", Quantities.Normalize(years.Sum(y => y.In))),
                new IndicatorPart("deficit", "逐县逐年缺口合计", "deficit, summed per county-year", deficit),
            ], []);

        var gone = InOutMeasures.InWindow(inputs, start, end).Where(c => c.LeavesFarmland).ToList();
        var parts = gone.GroupBy(c => LandClasses.GroupOf(c.ToClass)).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new IndicatorPart(g.Key, LandClasses.Groups[g.Key], GroupsEn.GetValueOrDefault(g.Key, g.Key),
                Quantities.Normalize(g.Sum(c => c.AreaHa))))
            .Append(new IndicatorPart("nonGrain", "其中转为其他农用地（非粮化）", "of which to other agricultural land (non-grain)",
                Quantities.Normalize(gone.Where(c => c.IsOut).Sum(c => c.AreaHa))))
            .ToList();
        yield return new Indicator("farmlandDestinations", "耕地去向", "Where farmland went", "ha", null, null,
            Quantities.Normalize(-gone.Sum(c => c.AreaHa)), null, null,
            "任期内耕地转为其他地类的面积，按一级类 / farmland turned into other classes during the tenure, by 一级类", parts, []);
    }
}
