using System.Text.Json.Nodes;
using NodaTime;

namespace Ledger.Demo;

/// <summary>
/// Land of the other survey classes in the first county (contract 1.8), so the land-use table, the
/// transition matrix and 耕地进出平衡 have something to show: forest, grassland, wetland, water,
/// plantation and construction parcels, and the last two years' changes of class. The year before
/// last restores more farmland than it converts (no deficit); the last year converts more than it
/// restores, a deficit. Generated last, so every earlier demo event is unchanged for the seed; the
/// farmland it converts comes from the county's first parcels, which never fall below 25 ha.
/// </summary>
public sealed partial class DemoLedger
{
    private IEnumerable<JsonObject> LandUse()
    {
        var county = Province[..2] + "0101";
        if (parcelsPerCounty < 3 || years < 2) yield break;
        string Parcel(int i) => $"{county}-L{i:00000}";
        (string Class, decimal Area)[] baseline =
        [
            ("0301", 812.4m), ("0305", 146.2m), ("0401", 233.5m), ("1106", 64.8m), ("1101", 128.3m), ("0702", 176.9m), ("0601", 92.6m),
            ("1003", 41.7m), ("0201", 58.4m), ("0307K", 12.5m),
        ];
        for (var i = 0; i < baseline.Length; i++)
            yield return Event("landuse.parcel-registered", Parcel(i + 1), county, Inventory,
                new JsonObject { ["areaHa"] = baseline[i].Area, ["landClass"] = baseline[i].Class, ["origin"] = "baseline" });

        var before = LastYear - 1;
        yield return Converted(county, $"{county}-000001", 2.0m, "orchard", "0201", new LocalDate(before, 4, 10));
        yield return Reclassified(county, Parcel(3), 6.0m, "0301", "ecological-restoration", true, new LocalDate(before, 5, 15));
        foreach (var e in Restoration(county, Parcel(9), $"{county}-R00001", 2.5m, "irrigated", new LocalDate(before, 9, 20))) yield return e;

        yield return Converted(county, $"{county}-000002", 1.6m, "orchard", "0201", new LocalDate(LastYear, 3, 18));
        yield return Converted(county, $"{county}-000003", 2.2m, "forest", "0301", new LocalDate(LastYear, 4, 22));
        yield return Reclassified(county, Parcel(1), 3.2m, "0601", "construction", true, new LocalDate(LastYear, 6, 30));
        yield return Reclassified(county, Parcel(4), 1.1m, "1104A", "agricultural-restructuring", false, new LocalDate(LastYear, 8, 5));
        foreach (var e in Restoration(county, Parcel(10), $"{county}-R00002", 1.5m, "dry", new LocalDate(LastYear, 10, 12))) yield return e;
    }

    private JsonObject Converted(string county, string parcel, decimal area, string to, string toClass, LocalDate date) =>
        Event("farmland.converted", parcel, county, date, new JsonObject { ["areaHa"] = area, ["to"] = to, ["toClass"] = toClass });

    private JsonObject Reclassified(string county, string parcel, decimal area, string toClass, string cause, bool legal, LocalDate date) =>
        Event("landuse.reclassified", parcel, county, date, new JsonObject
        {
            ["areaHa"] = area, ["toClass"] = toClass, ["cause"] = cause, ["legal"] = legal,
            ["approvalRef"] = legal ? $"演示自然资〔{date.Year}〕{date.Month}号" : null,
        });

    /// <summary>Land restored to farmland: the reclassification and the restored parcel naming it, next to each other so one batch holds both.</summary>
    private IEnumerable<JsonObject> Restoration(string county, string from, string parcel, decimal area, string landType, LocalDate date)
    {
        var reclassified = Reclassified(county, from, area, Ledger.LandUse.LandClasses.OfFarmlandType(landType), "farmland-restoration", true, date);
        yield return reclassified;
        yield return Event("farmland.parcel-registered", parcel, county, date, new JsonObject
        {
            ["areaHa"] = area, ["landType"] = landType, ["qualityGrade"] = 6, ["permanentBasic"] = false, ["origin"] = "restored",
            ["restoredFromEventId"] = reclassified["eventId"]!.GetValue<string>(),
        });
    }
}
