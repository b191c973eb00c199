using System.Net;
using System.Text.Json.Nodes;
using Ledger.Tests.Support;
using NodaTime;
using NodaTime.Text;
using Shouldly;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Audits;

/// <summary>
/// County 410102 with a tenure 2021-01-01..2023-12-31 and three histories whose audits are
/// computed by hand in <see cref="DepartureAuditTests"/>. Events are posted on their effective
/// dates (the fake clock is moved along), as a province's system would, so nothing is
/// back-dated unless a scenario says so.
/// </summary>
public static class AuditScenarios
{
    public const string TenureId = "T-410102-2021";
    public const string ParcelA = "410102-A";
    public const string ParcelB = "410102-B";
    public const string ZoneKey = "410102-RL01";
    public const string MineKey = "C410102-M1";

    /// <summary>Before the tenure: farmland 110 ha (50 permanent basic), targets 100 / 40, red line 200 ha, a mine occupying 20 ha, quotas 1,000 a year.</summary>
    public static JsonObject[] Base() =>
    [
        .. RegionTree(),
        Make("region.farmland-target-set", County, County, new JsonObject { ["retentionHa"] = 100m, ["permanentBasicHa"] = 40m, ["planRef"] = "规划2020" }, "2020-06-01"),
        Parcel(ParcelA, 60m).With("effectiveDate", "2020-06-01"),
        Parcel(ParcelB, 50m, permanentBasic: true).With("effectiveDate", "2020-06-01"),
        Zone(ZoneKey, 200m).With("effectiveDate", "2020-06-01"),
        Mine(MineKey).With("effectiveDate", "2020-06-01").With("data.validFrom", "2020-01-01"),
        Mining("mining.land-occupied", 20m, "priorUse", "other", "2020-06-01"),
        Make("tenure.started", TenureId, County, new JsonObject { ["officialId"] = "O-7", ["officialName"] = "李四", ["post"] = "party-secretary" }, "2021-01-01"),
        Quota(2021, 1000m).With("effectiveDate", "2021-01-01"),
        Quota(2022, 1000m).With("effectiveDate", "2022-01-01"),
        Quota(2023, 1000m).With("effectiveDate", "2023-01-01"),
        Make("tenure.ended", TenureId, County, new JsonObject { ["reason"] = "调任" }, "2023-12-31"),
    ];

    /// <summary>Everything within the rules: occupation balanced, all damage reclaimed, water under quota.</summary>
    public static JsonObject[] Clean() =>
    [
        .. Base(),
        Occupation(ParcelA, 2m, legal: true, "2021-03-01"),
        Supplemented(ParcelA, 3m, "2021-09-01"),
        Mining("mining.land-damaged", 10m, "damage", "excavation", "2022-04-01"),
        Mining("mining.land-reclaimed", 10m, "reclaimedTo", "farmland", "2023-05-01"),
        Use(2021, 900m), Use(2022, 950m), Use(2023, 980m),
    ];

    /// <summary>Illegal occupation, unbalanced occupation, water overuse in 2022 and 2023, an open encroachment, poor reclamation.</summary>
    public static JsonObject[] Troubled() =>
    [
        .. Base(),
        Occupation(ParcelA, 5m, legal: false, "2021-03-01"),
        Occupation(ParcelA, 3m, legal: true, "2022-02-01"),
        Supplemented(ParcelA, 2m, "2022-10-01"),
        Make("redline.encroachment-detected", ZoneKey, County, new JsonObject { ["encroachmentId"] = "E1", ["areaHa"] = 4m, ["activity"] = "construction" }, "2022-04-01"),
        Make("redline.encroachment-rectified", ZoneKey, County, new JsonObject { ["encroachmentId"] = "E1", ["areaHa"] = 1m }, "2023-03-01"),
        Mining("mining.land-damaged", 10m, "damage", "subsidence", "2021-05-01"),
        Mining("mining.land-reclaimed", 4m, "reclaimedTo", "forest", "2023-06-01"),
        Use(2021, 900m), Use(2022, 1100m), Use(2023, 1050m),
    ];

    /// <summary>Recorded after the tenure (2024-05-10), effective inside it: a correction taking 15 ha away and a late water report of 100.</summary>
    public static JsonObject[] LateRecords() =>
    [
        Make("farmland.area-corrected", ParcelA, County, new JsonObject { ["deltaHa"] = -15m, ["reason"] = "卫片核查" }, "2023-11-15"),
        Make("water.use-reported", $"{County}-2023", County, new JsonObject
        {
            ["periodStart"] = "2023-12-01", ["periodEnd"] = "2023-12-31", ["volume"] = 100m, ["source"] = "ground", ["sector"] = "agriculture",
        }, "2023-12-31"),
    ];

    public static JsonObject Occupation(string parcel, decimal area, bool legal, string date)
    {
        var data = new JsonObject { ["areaHa"] = area, ["purpose"] = "construction", ["legal"] = legal };
        if (legal) data["approvalRef"] = "豫政土〔2021〕7号";
        return Make("farmland.occupied", parcel, County, data, date);
    }

    public static JsonObject Supplemented(string parcel, decimal area, string date) =>
        Make("farmland.supplemented", parcel, County, new JsonObject { ["areaHa"] = area, ["method"] = "reclamation" }, date);

    public static JsonObject Mining(string type, decimal area, string field, string value, string date) =>
        Make(type, MineKey, County, new JsonObject { ["areaHa"] = area, [field] = value }, date);

    public static JsonObject Use(int year, decimal volume) =>
        Make("water.use-reported", $"{County}-{year}", County, new JsonObject
        {
            ["periodStart"] = $"{year}-01-01", ["periodEnd"] = $"{year}-12-31", ["volume"] = volume, ["source"] = "surface", ["sector"] = "industry",
        }, $"{year}-12-31");

    /// <summary>Posts each day's events on that day (10:00 Beijing time), oldest first: recorded instants follow effective dates.</summary>
    public static async Task PostOnTheirDatesAsync(LedgerApp app, string key, IEnumerable<JsonObject> events)
    {
        foreach (var day in events.GroupBy(e => e["effectiveDate"]!.GetValue<string>()).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            SetClock(app, day.Key);
            var response = await app.PostEventsAsync(key, [.. day]);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        }
    }

    public static async Task PostOnAsync(LedgerApp app, string key, string date, params JsonObject[] events)
    {
        SetClock(app, date);
        var response = await app.PostEventsAsync(key, events);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    public static void SetClock(LedgerApp app, string date) =>
        app.Clock.Reset(LocalDatePattern.Iso.Parse(date).Value.At(new LocalTime(2, 0)).InUtc().ToInstant());
}
