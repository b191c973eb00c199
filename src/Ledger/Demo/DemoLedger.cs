using System.Text.Json.Nodes;
using NodaTime;

namespace Ledger.Demo;

/// <summary>
/// A clearly synthetic province (code 99xxxx, "演示省 (synthetic demo)") with 3 prefectures,
/// 12 counties and ten years of events in all four domains. Deterministic for a seed, and
/// valid by construction, so it goes through the same validation path as real posts.
/// </summary>
public sealed partial class DemoLedger(int seed = 2026, int parcelsPerCounty = 12, int firstYear = 2016, int years = 10,
    int prefectures = 3, int countiesPerPrefecture = 4, int occupationsPerYear = 1)
{
    public const string Province = "990000";
    private readonly Random _random = new(seed);
    /// <summary>Approved farmland occupation per county and year, for the land quotas (contract 1.3).</summary>
    private readonly Dictionary<(string County, int Year), decimal> _approved = [];

    public int LastYear => firstYear + years - 1;

    /// <summary>
    /// Regions, targets and the baseline stock are inventoried the day before the first tenure
    /// starts, so the first tenures open with the stock they inherited (not with zero).
    /// </summary>
    private LocalDate Inventory => new LocalDate(firstYear, 1, 1).PlusDays(-1);

    /// <summary>Events in an order that satisfies every rule: regions first, then each county's history.</summary>
    public IEnumerable<JsonObject> Events()
    {
        var start = Inventory;
        yield return Region(Province, "演示省 (synthetic demo)", "province", "000000", start);
        for (var p = 1; p <= prefectures; p++)
        {
            var prefecture = $"99{p:00}00";
            yield return Region(prefecture, $"演示市{p} (synthetic)", "prefecture", Province, start);
            for (var c = 1; c <= countiesPerPrefecture; c++)
            {
                var county = prefecture[..4] + c.ToString("00");
                yield return Region(county, $"演示县{p}-{c} (synthetic)", "county", prefecture, start);
                foreach (var e in County(county)) yield return e;
            }
        }
        foreach (var e in LandQuotas()) yield return e;
        foreach (var e in new DemoMap(Event).Events(start)) yield return e;
        foreach (var e in Successions()) yield return e;
        foreach (var e in LandUse()) yield return e;
    }

    private IEnumerable<JsonObject> County(string county)
    {
        var start = new LocalDate(firstYear, 1, 1);
        var inventory = Inventory;
        var parcels = Enumerable.Range(1, parcelsPerCounty).Select(i => (Key: $"{county}-{i:000000}", Area: Area(40, 400))).ToList();
        var total = parcels.Sum(p => p.Area);
        yield return Event("region.farmland-target-set", county, county, inventory,
            new JsonObject { ["retentionHa"] = Round(total * 0.97m), ["permanentBasicHa"] = Round(total * 0.6m), ["planRef"] = $"演示规划〔{firstYear}〕{county[^2..]}号" });

        var area = new Dictionary<string, decimal>();
        foreach (var (key, a) in parcels)
        {
            area[key] = a;
            yield return Event("farmland.parcel-registered", key, county, inventory, new JsonObject
            {
                ["areaHa"] = a, ["landType"] = Pick("paddy", "irrigated", "dry"), ["qualityGrade"] = _random.Next(1, 11),
                ["permanentBasic"] = _random.Next(3) > 0, ["origin"] = "baseline",
            });
        }

        var zone = $"{county}-RL01";
        var zoneArea = Area(2000, 8000);
        yield return Event("redline.zone-designated", zone, county, inventory, new JsonObject
        {
            ["areaHa"] = zoneArea, ["function"] = Pick("water-conservation", "biodiversity", "soil-conservation"), ["approvalRef"] = "演示批〔2016〕1号",
        });
        var licence = $"C{county}-M01";
        yield return Event("mining.right-granted", licence, county, inventory, new JsonObject
        {
            ["mineral"] = Pick("coal", "limestone", "bauxite"), ["validFrom"] = Date(start), ["validTo"] = Date(start.PlusYears(30)), ["permittedAreaHa"] = 500m,
        });

        var tenureStart = start;
        var occupied = 0m;
        var damaged = 0m;
        var encroachments = new List<(string Id, decimal Area)>();
        for (var year = firstYear; year < firstYear + years; year++)
        {
            var mid = new LocalDate(year, 6, 15);
            if (year == firstYear || (year - firstYear) % 5 == 0)
            {
                tenureStart = new LocalDate(year, 1, 1);
                foreach (var post in new[] { "party-secretary", "government-head" })
                    yield return Event("tenure.started", $"T-{county}-{year}-{post[..1]}", county, tenureStart, new JsonObject
                    {
                        ["officialId"] = $"OFF-{county}-{year}-{post[..1]}", ["officialName"] = $"演示官员{county[^2..]}{year % 100:00}{post[..1]}", ["post"] = post,
                    });
            }

            for (var k = 0; k < occupationsPerYear; k++)
            {
                var day = occupationsPerYear == 1 ? mid : new LocalDate(year, 1, 1).PlusDays(_random.Next(300));
                var (lossKey, _) = parcels[_random.Next(parcels.Count)];
                var loss = Round(area[lossKey] * 0.03m);
                if (loss <= 0) continue;
                var legal = _random.Next(5) > 0;
                area[lossKey] -= loss;
                if (legal) _approved[(county, year)] = _approved.GetValueOrDefault((county, year)) + loss;
                yield return Event("farmland.occupied", lossKey, county, day, new JsonObject
                {
                    ["areaHa"] = loss, ["purpose"] = Pick("construction", "transport", "mining"), ["legal"] = legal,
                    ["approvalRef"] = legal ? $"演示土〔{year}〕{_random.Next(1, 99)}号" : null,
                });
                var (gainKey, _) = parcels[_random.Next(parcels.Count)];
                var gain = Round(loss * (0.8m + (decimal)_random.NextDouble() * 0.4m));
                area[gainKey] += gain;
                yield return Event("farmland.supplemented", gainKey, county, day.PlusDays(30), new JsonObject { ["areaHa"] = gain, ["method"] = Pick("reclamation", "consolidation") });
            }
            if (_random.Next(4) == 0)
            {
                var (k, _) = parcels[_random.Next(parcels.Count)];
                var lost = Round(area[k] * 0.01m);
                area[k] -= lost;
                yield return Event("farmland.lost-to-disaster", k, county, mid.PlusDays(45), new JsonObject { ["areaHa"] = lost, ["disaster"] = "flood" });
            }

            var occupy = Area(5, 25);
            if (occupied + occupy <= 500m)
            {
                occupied += occupy;
                yield return Event("mining.land-occupied", licence, county, mid, new JsonObject { ["areaHa"] = occupy, ["priorUse"] = Pick("farmland", "forest", "grassland") });
                var damage = Round(occupy * 0.7m);
                damaged += damage;
                yield return Event("mining.land-damaged", licence, county, mid.PlusDays(60), new JsonObject { ["areaHa"] = damage, ["damage"] = Pick("excavation", "subsidence", "tailings") });
            }
            if (damaged > 0 && _random.Next(2) == 0)
            {
                var reclaim = Round(damaged * 0.4m);
                damaged -= reclaim;
                occupied -= reclaim;
                yield return Event("mining.land-reclaimed", licence, county, mid.PlusDays(90), new JsonObject { ["areaHa"] = reclaim, ["reclaimedTo"] = Pick("farmland", "forest") });
            }

            if (_random.Next(3) == 0)
            {
                var id = $"E{year}-{_random.Next(100, 999)}";
                var a = Area(1, 20);
                encroachments.Add((id, a));
                yield return Event("redline.encroachment-detected", zone, county, mid, new JsonObject { ["encroachmentId"] = id, ["areaHa"] = a, ["activity"] = Pick("construction", "farming", "mining") });
            }
            if (encroachments.Count > 0 && _random.Next(2) == 0)
            {
                var (id, a) = encroachments[0];
                encroachments.RemoveAt(0);
                yield return Event("redline.encroachment-rectified", zone, county, mid.PlusDays(120), new JsonObject { ["encroachmentId"] = id, ["areaHa"] = a });
            }

            var waterKey = $"{county}-{year}";
            var quota = Area(8000, 15000);
            yield return Event("water.quota-allocated", waterKey, county, new LocalDate(year, 1, 1), new JsonObject
            {
                ["year"] = year, ["totalQuota"] = quota, ["groundwaterQuota"] = Round(quota * 0.3m),
            });
            for (var q = 0; q < 4; q++)
            {
                var from = new LocalDate(year, q * 3 + 1, 1);
                var to = from.PlusMonths(3).PlusDays(-1);
                yield return Event("water.use-reported", waterKey, county, to, new JsonObject
                {
                    ["periodStart"] = Date(from), ["periodEnd"] = Date(to), ["volume"] = Round(quota / 4 * (0.85m + (decimal)_random.NextDouble() * 0.25m)),
                    ["source"] = Pick("surface", "ground"), ["sector"] = Pick("agriculture", "industry", "domestic"),
                });
            }

            if ((year - firstYear) % 5 == 4)
            {
                foreach (var post in new[] { "party-secretary", "government-head" })
                    yield return Event("tenure.ended", $"T-{county}-{tenureStart.Year}-{post[..1]}", county, new LocalDate(year, 12, 31),
                        new JsonObject { ["reason"] = "term completed" });
            }
        }
    }

    private JsonObject Region(string code, string name, string level, string parent, LocalDate date) =>
        Event("region.registered", code, code, date, new JsonObject { ["name"] = name, ["level"] = level, ["parentCode"] = parent });

    private JsonObject Event(string type, string stream, string region, LocalDate date, JsonObject data)
    {
        foreach (var key in data.Where(p => p.Value is null).Select(p => p.Key).ToList()) data.Remove(key);
        return new JsonObject
        {
            ["eventId"] = NextGuid().ToString(), ["type"] = type, ["stream"] = stream, ["regionCode"] = region,
            ["effectiveDate"] = Date(date), ["data"] = data, ["source"] = new JsonObject { ["note"] = "synthetic demo data" },
        };
    }

    private Guid NextGuid()
    {
        var bytes = new byte[16];
        _random.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }

    private string Pick(params string[] values) => values[_random.Next(values.Length)];
    private decimal Area(int min, int max) => Round(min + (decimal)_random.NextDouble() * (max - min));
    private static decimal Round(decimal v) => Math.Round(v, 2);
    private static string Date(LocalDate d) => d.ToString("yyyy-MM-dd", null);
}
