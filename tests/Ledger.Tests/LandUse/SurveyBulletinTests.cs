using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Tests.Support;
using Shouldly;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.LandUse;

/// <summary>
/// 第三次全国国土调查主要数据公报 (2021-08-26): the nation's figures by class, in 万公顷, posted as
/// baselines, come back exactly on the nation's sheet, class by class and group by group.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class SurveyBulletinTests(LedgerApp app)
{
    /// <summary>The bulletin's 二级类 figures (万公顷) for the groups it reports class by class.</summary>
    private static readonly (string Class, decimal Wan)[] Figures =
    [
        ("0101", 3139.20m), ("0102", 3211.48m), ("0103", 6435.51m),
        ("0201", 1303.13m), ("0202", 168.47m), ("0203", 151.43m), ("0204", 394.13m),
        ("0301", 19735.16m), ("0302", 701.97m), ("0305", 5862.61m), ("0307", 2112.84m),
        ("0401", 21317.21m), ("0403", 58.06m), ("0404", 5077.74m),
        ("0303", 2.71m), ("0304", 220.78m), ("0306", 75.51m), ("0402", 1114.41m), ("1105", 151.23m), ("1106", 588.61m), ("1108", 193.68m),
        ("1001", 56.68m), ("1002", 1.77m), ("1003", 402.96m), ("1006", 476.50m), ("1007", 9.99m), ("1008", 7.04m), ("1009", 0.37m),
        ("1101", 880.78m), ("1102", 846.48m), ("1103", 336.84m), ("1104", 641.86m), ("1107", 351.75m), ("1109", 80.08m), ("1110", 491.00m),
    ];

    /// <summary>The bulletin's 一级类 totals (万公顷). 林地's classes add up to 28412.58: the bulletin rounds each figure on its own.</summary>
    private static readonly Dictionary<string, decimal> Groups = new()
    {
        ["01"] = 12786.19m, ["02"] = 2017.16m, ["03"] = 28412.58m, ["04"] = 26453.01m, ["00"] = 2346.93m, ["10"] = 955.31m, ["11"] = 3628.79m,
    };

    [Fact]
    public async Task the_bulletins_class_totals_posted_as_baselines_come_back_exactly()
    {
        await app.ResetAsync();
        var writer = await app.KeyAsync("writer");
        var auditor = await app.KeyAsync("auditor");
        var events = Figures.Select(f => f.Class switch
        {
            "0101" or "0102" or "0103" => Make("farmland.parcel-registered", $"410102-S{f.Class}", County, new JsonObject
            {
                ["areaHa"] = f.Wan * 10_000m, ["landType"] = f.Class switch { "0101" => "paddy", "0102" => "irrigated", _ => "dry" },
                ["qualityGrade"] = 5, ["permanentBasic"] = false, ["origin"] = "baseline",
            }, "2020-12-31"),
            _ => Make("landuse.parcel-registered", $"410102-S{f.Class}", County,
                new JsonObject { ["areaHa"] = f.Wan * 10_000m, ["landClass"] = f.Class, ["origin"] = "baseline" }, "2020-12-31"),
        });
        var posted = await app.PostEventsAsync(writer, [.. RegionTree(), .. events]);
        posted.StatusCode.ShouldBe(HttpStatusCode.OK, await posted.Content.ReadAsStringAsync());

        var level2 = await LandUse(auditor, 2);
        var classes = LandUseTests.Classes(level2);
        foreach (var (code, wan) in Figures) classes[code].GetProperty("closing").GetDecimal().ShouldBe(wan * 10_000m, code);

        var level1 = LandUseTests.Classes(await LandUse(auditor, 1));
        level1.Keys.ShouldBe(["00", "01", "02", "03", "04", "10", "11"]);
        foreach (var (group, wan) in Groups) level1[group].GetProperty("closing").GetDecimal().ShouldBe(wan * 10_000m, group);
        level1["00"].GetProperty("name").GetString().ShouldBe("湿地");

        var farmland = await Sheet(auditor, 1);
        LandUseTests.Account(farmland, "farmland").GetProperty("closing").GetDecimal().ShouldBe(Groups["01"] * 10_000m);
        LandUseTests.Account(farmland, "landUse").GetProperty("total").GetProperty("closing").GetDecimal()
            .ShouldBe(Figures.Sum(f => f.Wan) * 10_000m);
    }

    private async Task<JsonElement> LandUse(string key, int level) => LandUseTests.Account(await Sheet(key, level), "landUse");

    private async Task<JsonElement> Sheet(string key, int level)
    {
        var response = await app.SendAsync(HttpMethod.Get, $"/api/v1/regions/000000/balance-sheet?from=2021-01-01&to=2021-12-31&landUseLevel={level}", key);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
