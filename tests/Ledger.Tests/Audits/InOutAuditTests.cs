using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Tests.Support;
using Shouldly;
using static Ledger.Tests.Audits.AuditScenarios;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Audits;

/// <summary>
/// 耕地进出平衡 in a departure audit (rule set national@2026.4), computed by hand on the audit
/// scenario's county (tenure 2021–2023, farmland 110 ha):
/// 2022: 4 ha to orchard (0201) and 1 ha to 0307K out, 1.5 ha restored from 0307K in → deficit 3.5;
/// 2023: 1 ha to 养殖坑塘 (1104A) out, 3 ha restored from orchard in → surplus 2, which must not
/// offset 2022. F9 = 2 × 1 county-year + 0.5 × 3.5 ha = 3.75 (netted it would be 2 + 0.5 × 1.5).
/// A 2 ha occupation for construction (to 0601) is balanced by 3.5 ha supplemented, so farmland
/// ends at 110 and no other rule fails: score 100 − 3.75 = 96.25.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class InOutAuditTests(LedgerApp app) : IAsyncLifetime
{
    private const string Forest = "410102-K1", Orchard = "410102-P1";
    private string _writer = "";
    private string _auditor = "";
    private JsonObject[] _events = [];

    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        _writer = await app.KeyAsync("writer");
        _auditor = await app.KeyAsync("auditor");
        _events =
        [
            .. Base(),
            Land(Forest, 10m, "0307K", "2020-06-01"),
            Land(Orchard, 5m, "0201", "2020-06-01"),
            Converted(ParcelA, 4m, "orchard", null, "2022-03-01"),
            Converted(ParcelA, 1m, "forest", "0307K", "2022-05-01"),
            .. Restoration(Forest, "410102-R1", 1.5m, "paddy", "0101", "2022-08-01"),
            Converted(ParcelA, 1m, "aquaculture", null, "2023-04-01"),
            .. Restoration(Orchard, "410102-R2", 3m, "dry", "0103", "2023-06-01"),
            Occupation(ParcelA, 2m, legal: true, "2023-07-01"),
            Supplemented(ParcelA, 3.5m, "2023-09-01"),
        ];
        await PostOnTheirDatesAsync(app, _writer, _events);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task a_deficit_year_is_deducted_and_a_surplus_year_does_not_offset_it()
    {
        var report = await IssueAsync("national@2026.4");

        var f9 = Finding(report, "F9");
        f9.GetProperty("module").GetString().ShouldBe("farmland");
        f9.GetProperty("severity").GetString().ShouldBe("high");
        f9.GetProperty("deduction").GetDecimal().ShouldBe(3.75m);
        Quantity(f9, "value").ShouldBe("3.5");
        Quantity(f9, "count").ShouldBe("1");
        (Quantity(f9, "out"), Quantity(f9, "in")).ShouldBe(("6", "4.5"));
        Quantity(f9, "years").ShouldBe("410102 2022: 5 > 1.5");
        Quantity(f9, "surplus").ShouldBe("410102 2023: 2");
        f9.GetProperty("statement").GetString()!.ShouldContain("410102 2022: 5 > 1.5");
        f9.GetProperty("statementEn").GetString()!.ShouldContain("a deficit of 3.5 ha");
        // Both sides of the deficit year: the two conversions out, and both events of the restoration pair in; nothing of 2023.
        Evidence(f9).ShouldBe([
            Id("farmland.converted", "2022-03-01"), Id("farmland.converted", "2022-05-01"),
            Id("landuse.reclassified", "2022-08-01"), Id("farmland.parcel-registered", "2022-08-01"),
        ]);
        Outcome(report, "F9").ShouldBe((true, 3.5m, 3.75m));

        var farmland = report.GetProperty("modules").EnumerateArray().Single(m => m.GetProperty("id").GetString() == "farmland");
        (farmland.GetProperty("deducted").GetDecimal(), farmland.GetProperty("score").GetDecimal()).ShouldBe((3.75m, 31.25m));
        report.GetProperty("score").GetDecimal().ShouldBe(96.25m);
        report.GetProperty("grade").GetString().ShouldBe("好");
        report.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("ruleId").GetString()).ShouldBe(["F9", "N1"]);
    }

    [Fact]
    public async Task farmland_turned_to_non_grain_uses_is_reported_by_destination_class_with_its_events()
    {
        var report = await IssueAsync("national@2026.4");

        var n1 = Finding(report, "N1");
        n1.GetProperty("module").ValueKind.ShouldBe(JsonValueKind.Null);
        n1.GetProperty("deduction").GetDecimal().ShouldBe(0m);
        (Quantity(n1, "value"), Quantity(n1, "count")).ShouldBe(("6", "3"));
        (Quantity(n1, "to.0201"), Quantity(n1, "to.0307K"), Quantity(n1, "to.1104A")).ShouldBe(("4", "1", "1"));
        n1.GetProperty("quantities").TryGetProperty("to.0601", out _).ShouldBeFalse();
        n1.GetProperty("statement").GetString()!.ShouldContain("0201 果园 4 ha；0307K 可调整其他林地 1 ha；1104A 养殖坑塘 1 ha");
        Evidence(n1).ShouldBe([Id("farmland.converted", "2022-03-01"), Id("farmland.converted", "2022-05-01"), Id("farmland.converted", "2023-04-01")]);

        var inOut = Indicator(report, "farmlandInOut");
        inOut.GetProperty("compliant").GetBoolean().ShouldBeFalse();
        Parts(inOut).ShouldBe(new Dictionary<string, decimal> { ["out"] = 6m, ["in"] = 4.5m, ["deficit"] = 3.5m });
        var went = Indicator(report, "farmlandDestinations");
        went.GetProperty("change").GetDecimal().ShouldBe(-8m);
        Parts(went).ShouldBe(new Dictionary<string, decimal> { ["02"] = 4m, ["03"] = 1m, ["06"] = 2m, ["11"] = 1m, ["nonGrain"] = 6m });
        went.GetProperty("parts").EnumerateArray().First().GetProperty("name").GetString().ShouldBe("种植园用地");
    }

    [Fact]
    public async Task the_balance_is_read_as_known_at_the_reports_knowledge_point()
    {
        // A restoration in 2022 recorded after the tenure: as known before it arrived, 2022 stays in deficit.
        var late = Restoration(Forest, "410102-R3", 3.5m, "irrigated", "0102", "2022-10-01");
        SetClock(app, "2024-02-01");
        var response = await app.PostEventsAsync(_writer, late);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());

        var (beforeId, before) = await IssueWithIdAsync("national@2026.4", knownAt: "2024-01-20T00:00:00Z");
        Finding(before, "F9").GetProperty("deduction").GetDecimal().ShouldBe(3.75m);
        Evidence(Finding(before, "F9")).ShouldNotContain(late[0]["eventId"]!.GetValue<string>());

        // Compared with now: still reproducible, F9 gone, and both events of the late pair named as arrived since.
        var compare = await GetAsync($"/api/v1/audits/{beforeId}/compare");
        compare.GetProperty("reproducible").GetBoolean().ShouldBeTrue();
        compare.GetProperty("findings").EnumerateArray().Select(f => (f.GetProperty("ruleId").GetString(), f.GetProperty("change").GetString()))
            .ShouldContain(("F9", "removed"));
        compare.GetProperty("changes").EnumerateArray().Select(c => (c.GetProperty("item").GetString(), c.GetProperty("then").GetString(), c.GetProperty("now").GetString()))
            .ShouldContain(("farmlandInOut.deficit", "3.5", "0"));
        compare.GetProperty("arrived").EnumerateArray().Select(a => a.GetProperty("event").GetProperty("eventId").GetString())
            .ShouldBe(late.Select(e => e["eventId"]!.GetValue<string>()), ignoreOrder: true);

        var now = await IssueAsync("national@2026.4");
        now.GetProperty("findings").EnumerateArray().ShouldNotContain(f => f.GetProperty("ruleId").GetString() == "F9");
        Outcome(now, "F9").ShouldBe((false, 0m, 0m));
        Parts(Indicator(now, "farmlandInOut")).ShouldBe(new Dictionary<string, decimal> { ["out"] = 6m, ["in"] = 8m, ["deficit"] = 0m });
    }

    [Fact]
    public async Task a_report_under_national_2026_3_is_unchanged_by_the_in_out_rules()
    {
        var (id, report) = await IssueWithIdAsync("national@2026.3");
        report.GetProperty("ruleSet").GetProperty("version").GetString().ShouldBe("2026.3");
        report.GetProperty("findings").GetArrayLength().ShouldBe(0);
        report.GetProperty("score").GetDecimal().ShouldBe(100m);
        report.GetProperty("modules").EnumerateArray().SelectMany(m => m.GetProperty("rules").EnumerateArray())
            .Select(r => r.GetProperty("measure").GetString()).ShouldNotContain(m => m!.StartsWith("farmland.inOut") || m == "farmland.toNonGrain");
        report.GetProperty("indicators").EnumerateArray().Select(i => i.GetProperty("id").GetString())
            .ShouldBe(["farmland", "permanentBasicFarmland", "occupationBalance", "redLine", "miningRestoration", "water", "landQuota"]);
        // Regenerated from the ledger at its knowledge point, it is byte for byte the stored report.
        var compare = await GetAsync($"/api/v1/audits/{id}/compare");
        compare.GetProperty("reproducible").GetBoolean().ShouldBeTrue();
        // The default stays 2026.3 (decisions.md, entry 56).
        (await IssueAsync(null)).GetProperty("ruleSet").GetProperty("version").GetString().ShouldBe("2026.3");
    }

    [Fact]
    public async Task the_html_and_workbook_show_the_balance_and_where_farmland_went()
    {
        var (id, _) = await IssueWithIdAsync("national@2026.4");
        var html = await app.SendAsync(HttpMethod.Get, $"/api/v1/audits/{id}.html", _auditor);
        html.StatusCode.ShouldBe(HttpStatusCode.OK);
        var page = await html.Content.ReadAsStringAsync();
        foreach (var expected in new[] { "耕地进出平衡", "耕地去向", "种植园用地", "410102 2022: 5 &gt; 1.5", "0201 果园 4 ha" })
            page.ShouldContain(expected);

        var xlsx = await app.SendAsync(HttpMethod.Get, $"/api/v1/audits/{id}.xlsx", _auditor);
        xlsx.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var book = new ClosedXML.Excel.XLWorkbook(new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync()));
        book.Worksheet("证据 Evidence").RowsUsed().Skip(1).Select(r => r.Cell(10).GetString())
            .ShouldContain(Id("farmland.parcel-registered", "2022-08-01"));
    }

    private static JsonObject Land(string key, decimal area, string landClass, string date) =>
        Make("landuse.parcel-registered", key, County, new JsonObject { ["areaHa"] = area, ["landClass"] = landClass, ["origin"] = "baseline" }, date);

    private static JsonObject Converted(string parcel, decimal area, string to, string? toClass, string date)
    {
        var data = new JsonObject { ["areaHa"] = area, ["to"] = to };
        if (toClass is not null) data["toClass"] = toClass;
        return Make("farmland.converted", parcel, County, data, date);
    }

    /// <summary>Land of <paramref name="from"/> restored to farmland: the reclassification and the farmland registration naming it, one batch.</summary>
    private static JsonObject[] Restoration(string from, string parcel, decimal area, string landType, string farmlandClass, string date)
    {
        var reclassified = Make("landuse.reclassified", from, County, new JsonObject
        {
            ["areaHa"] = area, ["toClass"] = farmlandClass, ["cause"] = "farmland-restoration", ["legal"] = true, ["approvalRef"] = "豫自然资〔2022〕3号",
        }, date);
        var registered = Make("farmland.parcel-registered", parcel, County, new JsonObject
        {
            ["areaHa"] = area, ["landType"] = landType, ["qualityGrade"] = 5, ["permanentBasic"] = false, ["origin"] = "restored",
            ["restoredFromEventId"] = reclassified["eventId"]!.GetValue<string>(),
        }, date);
        return [reclassified, registered];
    }

    private string Id(string type, string date) =>
        _events.Single(e => e["type"]!.GetValue<string>() == type && e["effectiveDate"]!.GetValue<string>() == date)["eventId"]!.GetValue<string>();

    private async Task<JsonElement> IssueAsync(string? ruleSet, string? knownAt = null) => (await IssueWithIdAsync(ruleSet, knownAt)).Report;

    private async Task<(string Id, JsonElement Report)> IssueWithIdAsync(string? ruleSet, string? knownAt = null)
    {
        SetClock(app, "2024-02-15");
        var body = new Dictionary<string, object> { ["tenureId"] = TenureId };
        if (ruleSet is not null) body["ruleSet"] = ruleSet;
        if (knownAt is not null) body["knownAt"] = knownAt;
        var created = await app.SendAsync(HttpMethod.Post, "/api/v1/audits/departure", _auditor, body);
        var text = await created.Content.ReadAsStringAsync();
        created.StatusCode.ShouldBe(HttpStatusCode.Created, text);
        var id = JsonDocument.Parse(text).RootElement.GetProperty("reportId").GetString()!;
        return (id, await GetAsync($"/api/v1/audits/{id}"));
    }

    private async Task<JsonElement> GetAsync(string url)
    {
        var response = await app.SendAsync(HttpMethod.Get, url, _auditor);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static JsonElement Finding(JsonElement report, string rule) =>
        report.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("ruleId").GetString() == rule);

    private static string Quantity(JsonElement finding, string key) => finding.GetProperty("quantities").GetProperty(key).GetString()!;

    private static List<string> Evidence(JsonElement finding) =>
        finding.GetProperty("evidence").EnumerateArray().Select(e => e.GetProperty("eventId").GetString()!).ToList();

    private static (bool Failed, decimal Value, decimal Deduction) Outcome(JsonElement report, string rule)
    {
        var o = report.GetProperty("modules").EnumerateArray().SelectMany(m => m.GetProperty("rules").EnumerateArray())
            .Single(r => r.GetProperty("ruleId").GetString() == rule);
        return (o.GetProperty("failed").GetBoolean(), o.GetProperty("value").GetDecimal(), o.GetProperty("deduction").GetDecimal());
    }

    private static JsonElement Indicator(JsonElement report, string id) =>
        report.GetProperty("indicators").EnumerateArray().Single(i => i.GetProperty("id").GetString() == id);

    private static Dictionary<string, decimal> Parts(JsonElement indicator) =>
        indicator.GetProperty("parts").EnumerateArray().ToDictionary(p => p.GetProperty("id").GetString()!, p => p.GetProperty("value").GetDecimal());
}
