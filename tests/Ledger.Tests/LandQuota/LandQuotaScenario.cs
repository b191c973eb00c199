using System.Text.Json.Nodes;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.LandQuota;

/// <summary>
/// Quotas and occupations in two prefectures, computed by hand. 2024: county 410102 holds 10 ha
/// (+2 adjusted on 1 June), uses 15 with approval and 3 without: 3 over. County 410103 holds 20 and
/// uses 8: its spare 12 must not offset 410102's overuse. Prefecture 410200 holds 5 for its
/// county 410202 (no quota of its own), which uses 7: 2 over. 2023: 410103 uses 4 with no quota.
/// </summary>
public static class LandQuotaScenario
{
    public const string Other = "410200";
    public const string OtherCounty = "410202";

    public static JsonObject[] QuotaRegions() =>
    [
        .. RegionTree(), Region("410103", "county", City), Region(Other, "prefecture", Province, "开封市"), Region(OtherCounty, "county", Other),
    ];

    public static JsonObject[] QuotaEvents() =>
    [
        .. QuotaRegions(),
        Parcel("410102-Q1", 100m), Parcel("410103-Q1", 100m).With("regionCode", "410103"), Parcel("410202-Q1", 100m).With("regionCode", OtherCounty),
        Allocated(County, 2024, 10m, "2023-12-20", newConstruction: 6m),
        Allocated("410103", 2024, 20m, "2024-01-05"),
        Allocated(Other, 2024, 5m, "2024-01-05"),
        Occupation("410102-Q1", County, 15m, legal: true, "2024-03-01"),
        Occupation("410102-Q1", County, 3m, legal: false, "2024-04-01"),
        Occupation("410103-Q1", "410103", 8m, legal: true, "2024-05-01"),
        Occupation("410103-Q1", "410103", 4m, legal: true, "2023-07-01"),
        Occupation("410202-Q1", OtherCounty, 7m, legal: true, "2024-08-01"),
    ];

    /// <summary>Posted after <see cref="Events"/>: raises 410102's 2024 quota from 10 to 12.</summary>
    public static JsonObject Adjustment() => Adjusted(County, 2024, new JsonObject { ["deltaFarmlandOccupationHa"] = 2m, ["approvalRef"] = "豫自然资〔2024〕3号" },
        "2024-06-01");

    public static JsonObject Allocated(string region, int year, decimal farmland, string date, decimal? newConstruction = null)
    {
        var data = new JsonObject { ["year"] = year, ["farmlandOccupationHa"] = farmland, ["planRef"] = $"{year}年度土地利用计划" };
        if (newConstruction is { } n) data["newConstructionHa"] = n;
        return Make("landquota.allocated", $"{region}-{year}", region, data, date);
    }

    public static JsonObject Adjusted(string region, int year, JsonObject data, string date = "2024-06-01") =>
        Make("landquota.adjusted", $"{region}-{year}", region, data, date);

    public static JsonObject Occupation(string parcel, string region, decimal area, bool legal, string date)
    {
        var data = new JsonObject { ["areaHa"] = area, ["purpose"] = "construction", ["legal"] = legal };
        if (legal) data["approvalRef"] = "豫政土〔2024〕12号";
        return Make("farmland.occupied", parcel, region, data, date);
    }
}
