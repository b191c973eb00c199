using System.Text.Json.Nodes;

namespace Ledger.Tests.Support;

/// <summary>Builders for posted events. Dates default to well inside the fake clock's past.</summary>
public static class Ev
{
    public const string Province = "410000";
    public const string City = "410100";
    public const string County = "410102";

    public static JsonObject Make(string type, string stream, string region, JsonObject data, string date = "2024-01-15", Guid? id = null) => new()
    {
        ["eventId"] = (id ?? Guid.NewGuid()).ToString(), ["type"] = type, ["stream"] = stream, ["regionCode"] = region,
        ["effectiveDate"] = date, ["data"] = data,
    };

    public static JsonObject Region(string code, string level, string parent, string name = "测试区") =>
        Make("region.registered", code, code, new JsonObject { ["name"] = name, ["level"] = level, ["parentCode"] = parent }, "2020-01-01");

    /// <summary>Province 410000 → city 410100 → county 410102.</summary>
    public static JsonObject[] RegionTree() =>
    [
        Region(Province, "province", "000000", "河南省"), Region(City, "prefecture", Province, "郑州市"), Region(County, "county", City, "中原区"),
    ];

    /// <summary>Regions 410000/410100/410102/410103 and one stream of each kind in 410102: the usual fixture.</summary>
    public static JsonObject[] CountyWithOneOfEach() =>
        [.. RegionTree(), Region("410103", "county", City), Parcel(area: 10m), Zone(area: 100m), Mine(permitted: 50m), Quota(total: 1000m), Tenure()];

    public static JsonObject Parcel(string key = "410102-000001", decimal area = 10m, bool permanentBasic = false) =>
        Make("farmland.parcel-registered", key, County, new JsonObject
        {
            ["areaHa"] = area, ["landType"] = "paddy", ["qualityGrade"] = 3, ["permanentBasic"] = permanentBasic, ["origin"] = "baseline",
        }, "2021-01-01");

    public static JsonObject Occupied(string key = "410102-000001", decimal area = 2.5m, string date = "2024-05-10") =>
        Make("farmland.occupied", key, County, new JsonObject
        {
            ["areaHa"] = area, ["purpose"] = "construction", ["legal"] = true, ["approvalRef"] = "豫政土〔2024〕12号",
        }, date);

    public static JsonObject Zone(string key = "410102-RL01", decimal area = 100m) =>
        Make("redline.zone-designated", key, County, new JsonObject { ["areaHa"] = area, ["function"] = "biodiversity", ["approvalRef"] = "批1" }, "2021-01-01");

    public static JsonObject Mine(string key = "C410102-M1", decimal permitted = 50m) =>
        Make("mining.right-granted", key, County, new JsonObject
        {
            ["mineral"] = "coal", ["validFrom"] = "2021-01-01", ["validTo"] = "2040-12-31", ["permittedAreaHa"] = permitted,
        }, "2021-01-01");

    public static JsonObject Quota(int year = 2024, decimal total = 1000m) =>
        Make("water.quota-allocated", $"{County}-{year}", County, new JsonObject { ["year"] = year, ["totalQuota"] = total }, $"{year}-01-01");

    public static JsonObject Tenure(string key = "T-410102-1") =>
        Make("tenure.started", key, County, new JsonObject { ["officialId"] = "O-1", ["officialName"] = "张三", ["post"] = "party-secretary" }, "2021-01-01");

    public static JsonObject With(this JsonObject e, string path, JsonNode? value)
    {
        var copy = (JsonObject)e.DeepClone();
        var parts = path.Split('.');
        var target = copy;
        foreach (var p in parts[..^1]) target = (JsonObject)target[p]!;
        if (value is null) target.Remove(parts[^1]);
        else target[parts[^1]] = value;
        return copy;
    }
}
