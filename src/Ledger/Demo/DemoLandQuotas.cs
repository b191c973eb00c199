using System.Text.Json.Nodes;
using NodaTime;

namespace Ledger.Demo;

/// <summary>
/// The demo's annual farmland-occupation quotas (contract 1.3), emitted after everything else so
/// the rest of the demo stays exactly as it was for a seed. Every county-year with approved
/// occupation gets a quota with room to spare, except the first county's last three years, whose
/// quota falls short (overuse); its last such year also gets an approved increase that does not cover it.
/// </summary>
public sealed partial class DemoLedger
{
    private IEnumerable<JsonObject> LandQuotas()
    {
        var first = Province[..2] + "0101";
        var lastShort = _approved.Keys.Where(k => k.County == first && k.Year >= LastYear - 2).Select(k => k.Year).DefaultIfEmpty().Max();
        foreach (var ((county, year), used) in _approved.OrderBy(a => a.Key.County, StringComparer.Ordinal).ThenBy(a => a.Key.Year))
        {
            var shortOf = county == first && year >= LastYear - 2;
            var quota = Math.Max(0.01m, Round(used * (shortOf ? 0.6m : 1.25m)));
            var key = $"{county}-{year}";
            yield return Event("landquota.allocated", key, county, new LocalDate(year, 1, 10), new JsonObject
            {
                ["year"] = year, ["farmlandOccupationHa"] = quota, ["newConstructionHa"] = Round(quota * 2),
                ["planRef"] = $"演示年度计划〔{year}〕{county[^2..]}号",
            });
            if (shortOf && year == lastShort)
                yield return Event("landquota.adjusted", key, county, new LocalDate(year, 9, 1), new JsonObject
                {
                    ["deltaFarmlandOccupationHa"] = Math.Max(0.01m, Round(used * 0.1m)), ["approvalRef"] = $"演示追加指标〔{year}〕1号",
                });
        }
    }
}
