using Ledger.Events;
using Ledger.Flows;
using Ledger.LandQuotas;
using Ledger.Regions;

namespace Ledger.Audit.Departure;

/// <summary>
/// The <c>landQuota</c> indicator: over the tenure's calendar years (to its end), the quotas held
/// inside the region, approved and illegal occupation, overuse that arose in the tenure, and use
/// without any quota. Shown only under rule sets that measure land quotas, so reports issued
/// under earlier rule sets regenerate byte for byte.
/// </summary>
public static class LandQuotaIndicator
{
    public static IEnumerable<Indicator> For(AuditInputs inputs, RuleSet rules)
    {
        if (!rules.Modules.SelectMany(m => m.Rules).Concat(rules.Flags).Any(r => r.Measure.StartsWith("landQuota.", StringComparison.Ordinal)))
            yield break;
        var (start, end) = (inputs.Tenure.Start, inputs.End);
        var region = inputs.Tenure.RegionCode;
        var quotas = inputs.LandQuota.Quotas.Where(f => f.Account == Accounts.LandQuota && f.Year >= start.Year && f.Year <= end.Year).ToList();
        var occupations = inputs.LandQuota.Occupations;
        decimal Occupied(string suffix) =>
            Quantities.Normalize(-occupations.Where(f => f.Cause.EndsWith(suffix, StringComparison.Ordinal)).Sum(f => f.Amount));
        var units = LandQuotaUnits.Of(LandQuotaMeasure.Quotas(quotas),
                LandQuotaMeasure.Uses(occupations.Where(f => f.Cause.EndsWith("-legal", StringComparison.Ordinal))))
            .Where(u => inputs.LandQuota.Inside(region, u.RegionCode)).ToList();
        var quota = Quantities.Normalize(units.Sum(u => u.Quota));
        var overuse = Quantities.Normalize(LandQuotaMeasure.Overused(inputs, start, end).Sum(o => o.Overuse));
        var hasQuota = units.Any(u => u.HasQuota);
        yield return new Indicator("landQuota", "占用耕地年度指标", "Annual farmland-occupation quota", "ha", null, null, null, hasQuota ? quota : null,
            hasQuota ? overuse == 0 : null, "每个地区每年依法占用耕地 ≤ 年度指标 / each region's approved occupation ≤ its quota, every year",
            [
                new IndicatorPart("quota", "指标合计", "quota, all years", quota),
                new IndicatorPart("used", "依法占用合计", "approved occupation, all years", Occupied("-legal")),
                new IndicatorPart("illegal", "违法占用合计", "illegal occupation, all years", Occupied("-illegal")),
                new IndicatorPart("overuse", "任期内超指标", "overuse arising in the tenure", overuse),
                new IndicatorPart("withoutQuota", "无指标占用", "approved occupation with no quota", Quantities.Normalize(units.Sum(u => u.WithoutQuota))),
            ], []);
    }
}
