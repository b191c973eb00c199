using System.Text.Json.Nodes;

namespace Ledger.Bench;

/// <summary>
/// Farmland-shaped traffic: each parcel is registered and then occupied and supplemented in
/// turn (one stream creation per ten events). Client c owns the parcels of counties c, c+clients, …,
/// so clients never wait on each other's stream locks, as provinces would not.
/// </summary>
internal static class Workload
{
    public const int EventsPerParcel = 10;

    public static JsonObject[] Regions(int counties)
    {
        var list = new List<JsonObject> { Region("980000", "province", "000000") };
        for (var p = 1; p <= (counties + 9) / 10; p++) list.Add(Region($"98{p:00}00", "prefecture", "980000"));
        for (var c = 0; c < counties; c++) list.Add(Region(County(c), "county", $"98{c / 10 + 1:00}00"));
        return list.ToArray();
    }

    public static string County(int c) => $"98{c / 10 + 1:00}{c % 10 + 1:00}";

    /// <summary>The events client <paramref name="client"/> posts, in order.</summary>
    public static IEnumerable<JsonObject> ForClient(int client, int clients, int events, int counties)
    {
        var parcels = events / EventsPerParcel / clients;
        for (var p = 0; p < parcels; p++)
        {
            var county = County((p * clients + client) % counties);
            var key = $"{county}-{client:00}{p:000000}";
            yield return Event("farmland.parcel-registered", key, county, "2020-01-01", new JsonObject
            {
                ["areaHa"] = 1000m, ["landType"] = "dry", ["qualityGrade"] = 5, ["permanentBasic"] = false, ["origin"] = "baseline",
            });
            for (var i = 1; i < EventsPerParcel; i++)
                yield return i % 2 == 1
                    ? Event("farmland.occupied", key, county, $"2021-{i:00}-10", new JsonObject
                    {
                        ["areaHa"] = 1.25m, ["purpose"] = "construction", ["legal"] = true, ["approvalRef"] = $"基准批〔2021〕{i}号",
                    })
                    : Event("farmland.supplemented", key, county, $"2021-{i:00}-20", new JsonObject { ["areaHa"] = 1.25m, ["method"] = "consolidation" });
        }
    }

    private static JsonObject Region(string code, string level, string parent) =>
        Event("region.registered", code, code, "2020-01-01", new JsonObject { ["name"] = $"基准区{code}", ["level"] = level, ["parentCode"] = parent });

    private static JsonObject Event(string type, string stream, string region, string date, JsonObject data) => new()
    {
        ["eventId"] = Guid.NewGuid().ToString(), ["type"] = type, ["stream"] = stream, ["regionCode"] = region,
        ["effectiveDate"] = date, ["data"] = data,
    };
}
