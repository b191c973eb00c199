using System.Text.Json.Nodes;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.BalanceSheets;

/// <summary>A county history whose 2024 sheet is computed by hand in <see cref="BalanceSheetTests"/>.</summary>
public static class SheetScenario
{
    public static JsonObject[] Events() =>
    [
        .. RegionTree(),
        Make("region.farmland-target-set", County, County, new JsonObject { ["retentionHa"] = 9m, ["permanentBasicHa"] = 5m, ["planRef"] = "规划" }, "2022-01-01"),
        Parcel("410102-A", 10m),
        Parcel("410102-B", 5m, permanentBasic: true),
        Occupied("410102-A", 1m, "2023-06-01"),
        Make("farmland.occupied", "410102-A", County, new JsonObject { ["areaHa"] = 2m, ["purpose"] = "construction", ["legal"] = false }, "2024-03-01"),
        Make("farmland.lost-to-disaster", "410102-B", County, new JsonObject { ["areaHa"] = 1m, ["disaster"] = "flood" }, "2024-04-01"),
        Make("farmland.supplemented", "410102-A", County, new JsonObject { ["areaHa"] = 0.5m, ["method"] = "reclamation" }, "2024-05-01"),
        Make("farmland.converted", "410102-A", County, new JsonObject { ["areaHa"] = 1m, ["to"] = "orchard" }, "2025-02-01"),
        Mine(),
        Make("mining.land-occupied", "C410102-M1", County, new JsonObject { ["areaHa"] = 20m, ["priorUse"] = "farmland" }, "2024-02-01"),
        Make("mining.land-damaged", "C410102-M1", County, new JsonObject { ["areaHa"] = 12m, ["damage"] = "subsidence" }, "2024-03-01"),
        Make("mining.land-reclaimed", "C410102-M1", County, new JsonObject { ["areaHa"] = 4m, ["reclaimedTo"] = "forest" }, "2024-06-01"),
        Zone(area: 100m),
        Make("redline.zone-adjusted", "410102-RL01", County, new JsonObject { ["deltaHa"] = -5m, ["reason"] = "调整", ["approvalRef"] = "批" }, "2024-07-01"),
        Make("redline.encroachment-detected", "410102-RL01", County, new JsonObject { ["encroachmentId"] = "E1", ["areaHa"] = 3m, ["activity"] = "farming" }, "2024-08-01"),
        Make("redline.encroachment-rectified", "410102-RL01", County, new JsonObject { ["encroachmentId"] = "E1", ["areaHa"] = 2m }, "2024-09-01"),
        Quota(2024, 1000m),
        Make("water.quota-adjusted", "410102-2024", County, new JsonObject { ["deltaQuota"] = -50m, ["approvalRef"] = "水批" }, "2024-03-01"),
        Use("2024-01-01", "2024-03-31", 240.5m, "2024-04-05"),
        Use("2024-04-01", "2024-06-30", 800m, "2024-07-05"),
    ];

    public static JsonObject Use(string start, string end, decimal volume, string date) =>
        Make("water.use-reported", "410102-2024", County, new JsonObject
        {
            ["periodStart"] = start, ["periodEnd"] = end, ["volume"] = volume, ["source"] = "surface", ["sector"] = "industry",
        }, date);
}
