using System.Globalization;
using Ledger.Audit.Departure;

namespace Ledger.Audit.Reports;

/// <summary>The maps a finding shows (its cited overlaps that have one, at most four) and their captions.</summary>
public static class OverlapMaps
{
    public const int PerFinding = 4;

    public static IEnumerable<OverlapMap> Of(DepartureReport report, Finding finding)
    {
        if (report.OverlapMaps is not { } maps || !finding.Quantities.TryGetValue("overlaps", out var cited)) return [];
        var ids = cited.Split(", ", StringSplitOptions.RemoveEmptyEntries);
        return ids.Select(id => maps.FirstOrDefault(m => m.OverlapId.ToString() == id)).OfType<OverlapMap>().Take(PerFinding);
    }

    public static string Caption(OverlapMap m) =>
        $"叠加 Overlap {m.OverlapId.ToString()[..8]} · {m.Kind} · {m.Footprint} × {m.Protected} · {m.AreaHa.ToString("0.####", CultureInfo.InvariantCulture)} 公顷 ha";
}
