using System.Globalization;
using Ledger.Events;
using Ledger.Flows;
using Ledger.LandQuotas;
using Ledger.Regions;
using NodaTime;

namespace Ledger.Audit.Departure;

/// <summary>
/// <c>landQuota.overuse</c>: approved farmland occupation beyond the year's quota, per quota unit
/// (region-year) inside the audited region, counting only the overuse that arose inside the
/// window: max(0, use by the window's end − quota) − max(0, use before the window − quota). The
/// quota is the one in force by the window's end as known; use without any quota is not overuse
/// (see docs/decisions.md) and is shown in the indicator instead.
/// </summary>
public static class LandQuotaMeasure
{
    public const string Name = "landQuota.overuse";

    public sealed record UnitOveruse(QuotaUnit Unit, decimal Overuse, IReadOnlyList<FlowFact> Flows);

    public static IReadOnlyList<UnitOveruse> Overused(AuditInputs inputs, LocalDate from, LocalDate to)
    {
        var facts = inputs.LandQuota;
        var quotaFlows = facts.Quotas.Where(f => f.Year >= from.Year && f.Year <= to.Year && f.Event.EffectiveDate <= to).ToList();
        var quotas = Quotas(quotaFlows);
        var approved = facts.Occupations.Where(f => f.Cause.EndsWith("-legal", StringComparison.Ordinal)
            && f.Event.EffectiveDate.Year >= from.Year && f.Event.EffectiveDate <= to).ToList();
        var before = LandQuotaUnits.Of(quotas, Uses(approved.Where(f => f.Event.EffectiveDate < from))).ToDictionary(u => (u.RegionCode, u.Year));
        var held = quotas.Select(q => (q.RegionCode, q.Year)).ToHashSet();
        return LandQuotaUnits.Of(quotas, Uses(approved))
            .Where(u => u.HasQuota && inputs.LandQuota.Inside(inputs.Tenure.RegionCode, u.RegionCode))
            .Select(u => (Unit: u, Excess: u.Overuse - (before.TryGetValue((u.RegionCode, u.Year), out var b) ? b.Overuse : 0)))
            .Where(x => x.Excess > 0)
            .Select(x => new UnitOveruse(x.Unit, Quantities.Normalize(x.Excess),
                quotaFlows.Where(f => f.RegionCode == x.Unit.RegionCode && f.Year == x.Unit.Year)
                    .Concat(approved.Where(f => LandQuotaUnits.UnitOf(f.RegionCode, f.Event.EffectiveDate.Year, held.Contains) == (x.Unit.RegionCode, x.Unit.Year)))
                    .ToList()))
            .ToList();
    }

    /// <summary>Quota flows summed per region and quota year.</summary>
    public static List<QuotaFigure> Quotas(IEnumerable<FlowFact> quotaFlows) =>
        quotaFlows.GroupBy(f => (f.RegionCode, Year: f.Year!.Value)).Select(g => new QuotaFigure(g.Key.RegionCode, g.Key.Year,
            g.Where(f => f.Account == Accounts.LandQuota).Sum(f => f.Amount), g.Where(f => f.Account == Accounts.LandQuotaNewConstruction).Sum(f => f.Amount))).ToList();

    /// <summary>Approved occupation flows (negative farmland flows) as hectares used per region and calendar year.</summary>
    public static List<UseFigure> Uses(IEnumerable<FlowFact> approved) =>
        approved.GroupBy(f => (f.RegionCode, f.Event.EffectiveDate.Year)).Select(g => new UseFigure(g.Key.RegionCode, g.Key.Year, -g.Sum(f => f.Amount), 0)).ToList();

    public static MeasureResult Compute(string name, AuditInputs inputs, LocalDate from, LocalDate to)
    {
        var over = Overused(inputs, from, to);
        var total = Quantities.Normalize(over.Sum(o => o.Overuse));
        var evidence = over.SelectMany(o => o.Flows).Select(f => f.Event).DistinctBy(e => e.Sequence).OrderBy(e => e.Sequence).ToList();
        return new MeasureResult(name, total, over.Count, true, true, new Dictionary<string, string>
        {
            ["count"] = over.Count.ToString(CultureInfo.InvariantCulture), ["value"] = Measures.Number(total),
            ["years"] = string.Join("；", over.Select(o =>
                $"{o.Unit.RegionCode} {o.Unit.Year}: {Measures.Number(o.Unit.Used)} > {Measures.Number(o.Unit.Quota)}")),
        }, evidence);
    }
}
