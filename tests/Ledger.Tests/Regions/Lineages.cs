using System.Text.Json.Nodes;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Regions;

/// <summary>
/// Henan with two prefectures. County 410122 (中牟县, in 4101) holds two parcels; it becomes district
/// 410185 on 2023-01-01 (an upgrade), which moves to prefecture 4102 as 410222 on 2024-01-01 (a transfer).
/// </summary>
public static class Lineages
{
    public const string OldCounty = "410122";
    public const string District = "410185";
    public const string Moved = "410222";

    public static JsonObject[] Regions() =>
    [
        Region("410000", "province", "000000", "河南省"), Region("410100", "prefecture", "410000", "郑州市"),
        Region("410200", "prefecture", "410000", "开封市"), Region(OldCounty, "county", "410100", "中牟县"),
        Region(District, "county", "410100", "中牟区").With("effectiveDate", "2023-01-01"),
        Region(Moved, "county", "410200", "中牟区").With("effectiveDate", "2024-01-01"),
    ];

    public static JsonObject[] Parcels() =>
    [
        Parcel($"{OldCounty}-000001", 10m).With("regionCode", OldCounty),
        Parcel($"{OldCounty}-000002", 5m).With("regionCode", OldCounty),
    ];

    public static JsonObject Succeeded(string successor, string reason, string date, params string[] predecessors) =>
        Make("region.succeeded", successor, successor,
            new JsonObject { ["predecessors"] = new JsonArray(predecessors.Select(p => (JsonNode)p).ToArray()), ["reason"] = reason }, date);

    public static JsonObject Occupy(string key, string region, decimal area, string date) =>
        Occupied(key, area, date).With("regionCode", region);
}
