using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Tests.Support;
using Shouldly;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.LandUse;

/// <summary>
/// 耕地进出平衡 is read two ways: a sheet inside one year takes it from the land-use classes it has
/// read already, a longer one reads it by year. Both must give the same county-years, with every
/// kind of other agricultural land counted and wetland not.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class InOutPeriodTests(LedgerApp app) : IAsyncLifetime
{
    private const string Other = "410103";
    private static readonly string[] Agricultural = ["0201", "0301", "0404", "1104A", "1202", "0307K"];
    private string _auditor = "";

    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        var writer = await app.KeyAsync("writer");
        _auditor = await app.KeyAsync("auditor");
        List<JsonObject> setup = [.. RegionTree(), Region(Other, "county", City)];
        foreach (var county in new[] { County, Other })
        {
            setup.Add(Farmland($"{county}-A", county, 50m, "paddy"));
            setup.Add(Farmland($"{county}-B", county, 50m, "dry"));
            setup.AddRange(Agricultural.Append("0303").Select(c => Land($"{county}-L{c}", county, 20m, c)));
        }
        await Post(writer, [.. setup]);
        // 2023 in 410102: a hectare of paddy to each agricultural class and one to mangrove (wetland, not counted);
        // orchard restored to paddy (counted), mangrove restored to dry land (not counted).
        await Post(writer, [.. Agricultural.Append("0303").Select(c => Converted($"{County}-A", County, 1m, c, "2023-04-01"))]);
        await Post(writer, Restored(County, "0201", 2m, "paddy", "2023-06-01"));
        await Post(writer, Restored(County, "0303", 1m, "dry", "2023-07-01"));
        // 2024: 410102 restores more than it converts; 410103 converts dry land and restores some.
        await Post(writer, [Converted($"{County}-B", County, 0.5m, "1202", "2024-02-01")]);
        await Post(writer, Restored(County, "0404", 1.25m, "dry", "2024-03-01"));
        await Post(writer, [Converted($"{Other}-B", Other, 3m, "0301", "2024-05-01"), Converted($"{Other}-A", Other, 1m, "1104A", "2024-11-30")]);
        await Post(writer, Restored(Other, "0307K", 0.75m, "paddy", "2024-12-31"));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task one_year_and_several_years_give_the_same_county_years()
    {
        var both = await Years("2023-01-01", "2024-12-31");
        both.ShouldBe([(County, 2023, 6m, 2m), (County, 2024, 0.5m, 1.25m), (Other, 2024, 4m, 0.75m)]);
        var y2023 = await Years("2023-01-01", "2023-12-31");
        var y2024 = await Years("2024-01-01", "2024-12-31");
        y2023.Concat(y2024).OrderBy(y => y.Region, StringComparer.Ordinal).ThenBy(y => y.Year).ShouldBe(both);
    }

    [Fact]
    public async Task part_of_a_year_counts_only_its_days()
    {
        (await Years("2024-04-01", "2024-12-30")).ShouldBe([(Other, 2024, 4m, 0m)]);
        (await Years("2023-05-01", "2023-06-30")).ShouldBe([(County, 2023, 0m, 2m)]);
    }

    [Fact]
    public async Task deficits_are_summed_per_county_year_never_netted()
    {
        var balance = await Balance("2023-01-01", "2024-12-31");
        // 410102 owes 4 for 2023 though it restored 0.75 more than it converted in 2024; 410103 owes 3.25 for 2024.
        balance.GetProperty("deficit").GetDecimal().ShouldBe(7.25m);
    }

    private async Task<List<(string Region, int Year, decimal Out, decimal In)>> Years(string from, string to) =>
        (await Balance(from, to)).GetProperty("years").EnumerateArray()
            .Select(y => (y.GetProperty("region").GetString()!, y.GetProperty("year").GetInt32(), y.GetProperty("out").GetDecimal(),
                y.GetProperty("in").GetDecimal()))
            .ToList();

    private async Task<JsonElement> Balance(string from, string to)
    {
        var response = await app.SendAsync(HttpMethod.Get, $"/api/v1/regions/{City}/balance-sheet?from={from}&to={to}", _auditor);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        return LandUseTests.Account(JsonDocument.Parse(body).RootElement.Clone(), "farmland").GetProperty("inOutBalance");
    }

    private static JsonObject Farmland(string key, string county, decimal area, string landType, string origin = "baseline", string date = "2021-01-01") =>
        Make("farmland.parcel-registered", key, county, new JsonObject
        {
            ["areaHa"] = area, ["landType"] = landType, ["qualityGrade"] = 5, ["permanentBasic"] = false, ["origin"] = origin,
        }, date);

    private static JsonObject Land(string key, string county, decimal area, string landClass) =>
        Make("landuse.parcel-registered", key, county, new JsonObject { ["areaHa"] = area, ["landClass"] = landClass, ["origin"] = "baseline" }, "2021-01-01");

    private static JsonObject Converted(string key, string county, decimal area, string toClass, string date) =>
        Make("farmland.converted", key, county, new JsonObject { ["areaHa"] = area, ["to"] = "other-agriculture", ["toClass"] = toClass }, date);

    /// <summary>Land of a class restored to farmland: the reclassification and the restored registration, one batch.</summary>
    private static JsonObject[] Restored(string county, string fromClass, decimal area, string landType, string date)
    {
        var toClass = landType switch { "paddy" => "0101", "irrigated" => "0102", _ => "0103" };
        var reclassified = Make("landuse.reclassified", $"{county}-L{fromClass}", county, new JsonObject
            { ["areaHa"] = area, ["toClass"] = toClass, ["cause"] = "farmland-restoration", ["legal"] = true, ["approvalRef"] = "复垦〔2023〕1号" }, date);
        var restored = Farmland($"{county}-R{fromClass}{date}", county, area, landType, "restored", date)
            .With("data.restoredFromEventId", reclassified["eventId"]!.GetValue<string>());
        return [reclassified, restored];
    }

    private async Task Post(string key, JsonObject[] events)
    {
        var posted = await app.PostEventsAsync(key, events);
        posted.StatusCode.ShouldBe(HttpStatusCode.OK, await posted.Content.ReadAsStringAsync());
    }
}
