using System.Text.Json.Nodes;
using Ledger.Tests.Support;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Ingest;

/// <summary>A valid history that uses every v1 event type at least once.</summary>
public static class Scenarios
{
    /// <summary>After <see cref="EveryType"/> and registering county 410103 (no records): it merges into 410102.</summary>
    public static JsonObject[] Succession() =>
    [
        Make("region.succeeded", County, County, new JsonObject { ["predecessors"] = new JsonArray("410103"), ["reason"] = "merger" }, "2025-01-01"),
    ];

    public static JsonObject[] EveryType()
    {
        var parcel = "410102-000001";
        var e1 = Occupied(parcel, 1m);
        return
        [
            .. RegionTree(),
            Make("region.farmland-target-set", County, County, new JsonObject { ["retentionHa"] = 9m, ["permanentBasicHa"] = 5m, ["planRef"] = "规划1" }),
            Tenure(),
            Make("tenure.ended", "T-410102-1", County, new JsonObject { ["reason"] = "transfer" }, "2025-12-31"),
            Parcel(parcel, 10m),
            e1,
            Make("farmland.converted", parcel, County, new JsonObject { ["areaHa"] = 0.5m, ["to"] = "orchard" }),
            Make("farmland.lost-to-disaster", parcel, County, new JsonObject { ["areaHa"] = 0.25m, ["disaster"] = "flood" }),
            Make("farmland.supplemented", parcel, County, new JsonObject { ["areaHa"] = 2m, ["method"] = "reclamation" }),
            Make("farmland.permanent-basic-designated", parcel, County, new JsonObject { ["areaHa"] = 6m }),
            Make("farmland.permanent-basic-released", parcel, County, new JsonObject { ["areaHa"] = 1m, ["approvalRef"] = "国函1" }),
            Make("farmland.area-corrected", parcel, County, new JsonObject
            {
                ["deltaHa"] = -0.125m, ["reason"] = "survey", ["correctsEventId"] = e1["eventId"]!.GetValue<string>(),
            }),
            Zone(),
            Make("redline.zone-adjusted", "410102-RL01", County, new JsonObject { ["deltaHa"] = 5m, ["reason"] = "扩展", ["approvalRef"] = "批2" }),
            Make("redline.encroachment-detected", "410102-RL01", County, new JsonObject { ["encroachmentId"] = "E1", ["areaHa"] = 3m, ["activity"] = "farming" }),
            Make("redline.encroachment-rectified", "410102-RL01", County, new JsonObject { ["encroachmentId"] = "E1", ["areaHa"] = 2m }),
            Mine(),
            Make("mining.land-occupied", "C410102-M1", County, new JsonObject { ["areaHa"] = 20m, ["priorUse"] = "farmland" }),
            Make("mining.land-damaged", "C410102-M1", County, new JsonObject { ["areaHa"] = 12m, ["damage"] = "subsidence" }),
            Make("mining.land-reclaimed", "C410102-M1", County, new JsonObject { ["areaHa"] = 4m, ["reclaimedTo"] = "forest" }),
            Make("mining.site-closed", "C410102-M1", County, new JsonObject { ["restorationPlanRef"] = "复垦方案1" }, "2024-06-01"),
            Quota(),
            Make("water.quota-adjusted", $"{County}-2024", County, new JsonObject { ["deltaQuota"] = -50m, ["approvalRef"] = "水批1" }),
            Make("water.use-reported", $"{County}-2024", County, new JsonObject
            {
                ["periodStart"] = "2024-01-01", ["periodEnd"] = "2024-03-31", ["volume"] = 240.5m, ["source"] = "ground", ["sector"] = "agriculture",
            }, "2024-04-05"),
            Make("landquota.allocated", $"{County}-2024", County, new JsonObject
            {
                ["year"] = 2024, ["farmlandOccupationHa"] = 12m, ["newConstructionHa"] = 20m, ["planRef"] = "2024年度计划",
            }, "2024-01-10"),
            Make("landquota.adjusted", $"{County}-2024", County, new JsonObject { ["deltaNewConstructionHa"] = -5m, ["approvalRef"] = "批2" }),
            Make("landuse.parcel-registered", $"{County}-L1", County, new JsonObject { ["areaHa"] = 12m, ["landClass"] = "0301", ["origin"] = "baseline" }, "2021-01-01"),
            Make("landuse.reclassified", $"{County}-L1", County, new JsonObject
                { ["areaHa"] = 2m, ["toClass"] = "0201", ["cause"] = "agricultural-restructuring", ["legal"] = true, ["approvalRef"] = "批3" }),
        ];
    }
}
