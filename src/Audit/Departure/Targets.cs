using Ledger.Regions;
using NodaTime;

namespace Ledger.Audit.Departure;

public static class Targets
{
    /// <summary>
    /// The farmland targets binding on a date: each region's latest target effective by then, kept
    /// only when no region above it (inside the audited region) has one — the same rule as the
    /// balance sheet's liabilities, so a county's target is not counted again under its prefecture's.
    /// </summary>
    public static IReadOnlyList<TargetFact> Binding(IReadOnlyList<TargetFact> targets, LocalDate on)
    {
        var inForce = targets.Where(t => t.Event.EffectiveDate <= on)
            .GroupBy(t => t.RegionCode)
            .Select(g => g.OrderBy(t => t.Event.EffectiveDate).ThenBy(t => t.Event.Sequence).Last())
            .ToList();
        return inForce.Where(t => !inForce.Any(a => a.RegionCode != t.RegionCode && RegionCodes.Contains(a.RegionCode, t.RegionCode)))
            .OrderBy(t => t.RegionCode, StringComparer.Ordinal).ToList();
    }
}
