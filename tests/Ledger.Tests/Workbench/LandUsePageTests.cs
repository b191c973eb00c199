using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Ledger.Tests.Support;
using Shouldly;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Workbench;

/// <summary>
/// The region page's land-use table, 耕地进出平衡 and transition matrix over a small history worked
/// out by hand. County 410102 in 2024: farmland (0101 10 ha, 0103 6 ha) converted to orchard (2 ha)
/// and forest (1.5 ha), occupied for construction (1 ha), 2.5 ha of orchard restored to dry farmland
/// (a restoration pair), 4 ha of grassland restored to forest, a new 2 ha pond. County 410103
/// restores 3 ha of orchard and converts nothing: its surplus must not cover 410102's deficit.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed partial class LandUsePageTests(LedgerApp app) : IAsyncLifetime
{
    private const string Other = "410103";
    private const string Year2024 = "from=2024-01-01&to=2024-12-31";
    private string _cookie = "";
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        var writer = await app.KeyAsync("writer");
        async Task Post(params JsonObject[] events)
        {
            var response = await app.PostEventsAsync(writer, events);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        }
        await Post(
        [
            .. RegionTree(), Region(Other, "county", City),
            Farmland(County, "410102-A", 10m, "paddy"), Farmland(County, "410102-B", 6m, "dry"),
            Land(County, "410102-F1", 20m, "0301"), Land(County, "410102-G1", 8m, "0401"), Land(County, "410102-P1", 5m, "0201"),
            Land(Other, "410103-P2", 3m, "0201"),
        ]);
        await Post(Converted("410102-A", 2m, "orchard", "0201", "2024-03-01"));
        await Post(Occupied("410102-A", 1m, "2024-04-01"));
        await Post(Converted("410102-B", 1.5m, "forest", "0301", "2024-05-01"));
        await Post(RestorationPair(County, "410102-P1", "410102-R1", 2.5m, "2024-06-01"));
        await Post(Reclassify(County, "410102-G1", 4m, "0301", "ecological-restoration", "2024-08-01"));
        await Post(Land(County, "410102-N1", 2m, "1104A", "new", "2024-09-01"));
        await Post(RestorationPair(Other, "410103-P2", "410103-R1", 3m, "2024-07-01"));

        _http = app.Server.CreateClient();
        _cookie = WorkbenchForms.SessionCookie(await WorkbenchForms.SignIn(_http, await app.KeyAsync("auditor")));
    }

    public Task DisposeAsync()
    {
        _http.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task the_land_use_table_shows_each_main_class_with_its_sources_and_destinations_and_the_total_moved_only_by_registration()
    {
        var rows = HtmlTables.Rows(await Page($"/ui/regions/{County}?{Year2024}"), "土地资源 · 一级类");
        rows[0].ShouldBe(["地类", "期初", "增加", "减少", "期末"]);
        Has(rows, "01 耕地", "16", "2.5", "4.5", "14");
        Has(rows, "＋ 来自 02 种植园用地 · 地类变更（恢复耕地） reclassification-farmland-restoration", "", "2.5", "", "");
        Has(rows, "− 转为 02 种植园用地 · 转为园地 conversion-to-orchard", "", "", "2", "");
        Has(rows, "− 转为 03 林地 · 转为林地 conversion-to-forest", "", "", "1.5", "");
        Has(rows, "− 转为 06 工矿用地 · 建设占用（依法） occupation-construction-legal", "", "", "1", "");
        Has(rows, "02 种植园用地", "5", "2", "2.5", "4.5");
        Has(rows, "03 林地", "20", "5.5", "0", "25.5");
        Has(rows, "04 草地", "8", "0", "4", "4");
        Has(rows, "06 工矿用地", "0", "1", "0", "1");
        Has(rows, "11 水域及水利设施用地", "0", "2", "0", "2");
        Has(rows, "＋ 登记（新增） registration-new", "", "2", "", "");
        Has(rows, "合计", "49", "", "", "51");
        Has(rows, "登记（净额）", "", "2", "", "");
        Has(rows, "区划转入", "", "0", "", "");
        Has(rows, "区划转出", "", "", "0", "");
    }

    [Fact]
    public async Task the_level_switch_shows_the_subclasses_and_keeps_the_period()
    {
        var html = await Page($"/ui/regions/{County}?{Year2024}");
        var link = Regex.Match(html, "<a href=\"([^\"]+landUseLevel=2#land-use)\">二级类</a>");
        link.Success.ShouldBeTrue("the level-1 page links to level 2");
        var level2 = await Page(WebUtility.HtmlDecode(link.Groups[1].Value));
        level2.ShouldContain("<input type=\"hidden\" name=\"landUseLevel\" value=\"2\">");
        var rows = HtmlTables.Rows(level2, "土地资源 · 二级类 2024-01-01 — 2024-12-31");
        Has(rows, "0101 水田", "10", "0", "3", "7");
        Has(rows, "0103 旱地", "6", "2.5", "1.5", "7");
        Has(rows, "0301 乔木林地", "20", "5.5", "0", "25.5");
        Has(rows, "1104A 养殖坑塘", "0", "2", "0", "2");
        var matrix = HtmlTables.Rows(level2, "地类转移矩阵 · 二级类");
        matrix[0].ShouldBe(["原地类＼现地类", "0101 水田", "0103 旱地", "0201 果园", "0301 乔木林地", "0401 天然牧草地", "0601 工业用地", "转出合计"]);
        Has(matrix, "0201 果园", "", "2.5", "", "", "", "", "2.5");

        (await WorkbenchForms.Page(_http, _cookie, $"/ui/regions/{County}?{Year2024}&landUseLevel=3")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task the_in_out_balance_is_per_county_year_and_a_deficit_is_not_netted_by_another_countys_surplus()
    {
        var html = await Page($"/ui/regions/{City}?{Year2024}");
        var rows = HtmlTables.Rows(html, "耕地进出平衡");
        rows.Skip(1).ShouldBe(
        [
            ["410102", "2024", "3.5", "2.5", "1 负债"],
            ["410103", "2024", "0", "3", "0"],
            ["合计", "", "3.5", "5.5", "1 负债"],
        ]);
        HtmlTables.Table(html, "耕地进出平衡").ShouldContain("<td class=\"n bad\">1 <span class=\"badge\">负债</span></td>");
        html.ShouldContain("耕地进出平衡缺口");
    }

    [Fact]
    public async Task the_matrix_shades_each_cell_by_area_and_each_cell_opens_the_events_behind_it()
    {
        var html = await Page($"/ui/regions/{County}?{Year2024}");
        var rows = HtmlTables.Rows(html, "地类转移矩阵 · 一级类");
        rows[0].ShouldBe(["原地类＼现地类", "01 耕地", "02 种植园用地", "03 林地", "04 草地", "06 工矿用地", "转出合计"]);
        rows.Skip(1).ShouldBe(
        [
            ["01 耕地", "", "2", "1.5", "", "1", "4.5"],
            ["02 种植园用地", "2.5", "", "", "", "", "2.5"],
            ["03 林地", "", "", "", "", "", "0"],
            ["04 草地", "", "", "4", "", "", "4"],
            ["06 工矿用地", "", "", "", "", "", "0"],
            ["转入合计", "2.5", "2", "5.5", "0", "1", "11"],
        ]);

        // Shades by share of the largest cell (4 ha): 4 → 5, 2.5 → 4, 2 → 3, 1.5 and 1 → 2.
        var cells = MatrixCell().Matches(HtmlTables.Table(html, "地类转移矩阵 · 一级类"))
            .ToDictionary(m => WebUtility.HtmlDecode(m.Groups["title"].Value), m => (Shade: int.Parse(m.Groups["shade"].Value), Href: WebUtility.HtmlDecode(m.Groups["href"].Value)));
        cells.ToDictionary(c => c.Key, c => c.Value.Shade).ShouldBe(new Dictionary<string, int>
        {
            ["01 耕地 → 02 种植园用地: 2 ha"] = 3, ["01 耕地 → 03 林地: 1.5 ha"] = 2, ["01 耕地 → 06 工矿用地: 1 ha"] = 2,
            ["02 种植园用地 → 01 耕地: 2.5 ha"] = 4, ["04 草地 → 03 林地: 4 ha"] = 5,
        });

        // The restoration pair's cell: the reclassification of the orchard parcel, once (its farmland registration is not counted again).
        var restored = await Page(cells["02 种植园用地 → 01 耕地: 2.5 ha"].Href);
        restored.ShouldContain("<strong id=\"provenance-total\">2.5</strong> ha");
        HtmlTables.Rows(restored, "流量与事件").Skip(1).Select(r => r[1]).ShouldBe(["landuse:410102-P1"]);
        var toForest = await Page(cells["01 耕地 → 03 林地: 1.5 ha"].Href);
        toForest.ShouldContain("<strong id=\"provenance-total\">1.5</strong> ha");
        HtmlTables.Rows(toForest, "流量与事件").Skip(1).Select(r => r[1]).ShouldBe(["farmland:410102-B"]);
        toForest.ShouldContain("<a href=\"/ui/streams/farmland/410102-B\">");
    }

    [Fact]
    public async Task each_class_figure_links_to_flows_that_sum_to_it()
    {
        var html = await Page($"/ui/regions/{County}?{Year2024}");
        var links = FigureLink().Matches(HtmlTables.Table(html, "土地资源 · 一级类")).ToList();
        links.Count.ShouldBeGreaterThan(10);
        foreach (var link in links)
        {
            var provenance = await Page(WebUtility.HtmlDecode(link.Groups["href"].Value));
            provenance.ShouldContain($"<strong id=\"provenance-total\">{link.Groups["figure"].Value}</strong> ha", Case.Sensitive, link.Groups["href"].Value);
        }
    }

    [Fact]
    public async Task in_english_the_main_classes_have_their_english_names_beside_the_chinese()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/ui/regions/{County}?{Year2024}");
        request.Headers.Add("Cookie", $"{_cookie}; ledger_lang=en");
        var html = await (await _http.SendAsync(request)).Content.ReadAsStringAsync();
        var matrix = HtmlTables.Rows(html, "Land-use transitions · main classes (一级类)");
        matrix[0].ShouldBe(["From ＼ to", "01 Cultivated land 耕地", "02 Plantation land 种植园用地", "03 Forest land 林地", "04 Grassland 草地",
            "06 Industrial and mining land 工矿用地", "Total out"]);
        Has(HtmlTables.Rows(html, "Farmland in-out balance"), "410102", "2024", "3.5", "2.5", "1 liability");
        Has(HtmlTables.Rows(html, "Land use · main classes (一级类)"), "Registered (net)", "", "2", "", "");
        html.ShouldContain($"/api/v1/regions/{County}/land-use/transitions?from=2024-01-01&amp;to=2024-12-31");
    }

    /// <summary>A row, compared cell by cell (arrays are compared by reference by ShouldContain).</summary>
    private static void Has(List<string[]> rows, params string[] row) => rows.Select(r => string.Join(" | ", r)).ShouldContain(string.Join(" | ", row));

    private async Task<string> Page(string path)
    {
        var response = await WorkbenchForms.Page(_http, _cookie, path);
        var html = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, html);
        return html;
    }

    private static JsonObject Farmland(string region, string key, decimal area, string landType, string origin = "baseline", string date = "2021-01-01") =>
        Make("farmland.parcel-registered", key, region, new JsonObject
        {
            ["areaHa"] = area, ["landType"] = landType, ["qualityGrade"] = 5, ["permanentBasic"] = false, ["origin"] = origin,
        }, date);

    private static JsonObject Land(string region, string key, decimal area, string landClass, string origin = "baseline", string date = "2021-01-01") =>
        Make("landuse.parcel-registered", key, region, new JsonObject { ["areaHa"] = area, ["landClass"] = landClass, ["origin"] = origin }, date);

    private static JsonObject Converted(string key, decimal area, string to, string toClass, string date) =>
        Make("farmland.converted", key, County, new JsonObject { ["areaHa"] = area, ["to"] = to, ["toClass"] = toClass }, date);

    private static JsonObject Reclassify(string region, string key, decimal area, string toClass, string cause, string date) =>
        Make("landuse.reclassified", key, region, new JsonObject
        {
            ["areaHa"] = area, ["toClass"] = toClass, ["cause"] = cause, ["legal"] = true, ["approvalRef"] = "豫自然资〔2024〕7号",
        }, date);

    /// <summary>Orchard back to dry farmland: the reclassification and the restored parcel, in one batch as the contract requires.</summary>
    private static JsonObject[] RestorationPair(string region, string from, string parcel, decimal area, string date)
    {
        var reclassified = Reclassify(region, from, area, "0103", "farmland-restoration", date);
        return [reclassified, Farmland(region, parcel, area, "dry", "restored", date).With("data.restoredFromEventId", reclassified["eventId"]!.GetValue<string>())];
    }

    [GeneratedRegex("<td class=\"n heat(?<shade>[1-5])\" title=\"(?<title>[^\"]*)\"><a href=\"(?<href>[^\"]*)\"")]
    private static partial Regex MatrixCell();

    [GeneratedRegex("<td class=\"n\"><a href=\"(?<href>[^\"]*)\" aria-label=\"[^\"]*\">(?<figure>[^<]*)</a></td>")]
    private static partial Regex FigureLink();
}
