using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Tests.Support;
using NodaTime;
using NodaTime.Text;
using Shouldly;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Spatial;

/// <summary>
/// The overlaps the ledger found, as balance-sheet liabilities and as departure-audit findings
/// (rule set national@2026.3), over <see cref="MapScenario"/> and a tenure of 410102 from 2021 to
/// 2023: the licence and the mine footprint inside RL01 are the region's doing; the occupation
/// recorded on P1 is on its own parcel (already in the stock); RL02 was drawn over a footprint.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class OverlapFindingTests(LedgerApp app) : IAsyncLifetime
{
    private const string TenureId = "T-410102-1";
    private string _writer = "";
    private string _auditor = "";
    private Instant _laterZoneRecorded;

    public async Task InitializeAsync()
    {
        _laterZoneRecorded = await MapScenario.LoadAsync(app);
        _writer = await app.KeyAsync("writer", "410000");
        _auditor = await app.KeyAsync("auditor", "410000");
        await PostAsync(Tenure(TenureId), Make("tenure.ended", TenureId, County, new JsonObject { ["reason"] = "调任" }, "2023-12-31"));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task the_overlay_finds_what_the_region_never_reported_and_cites_each_overlap()
    {
        var report = await IssueAsync("national@2026.3");
        var overlaps = await OverlapIdsAsync();

        var r4 = Finding(report, "R4");
        r4.GetProperty("quantities").GetProperty("count").GetString().ShouldBe("2");
        Cited(r4).ShouldBe([overlaps["licence redline"], overlaps["occupation redline"]], ignoreOrder: true);
        var expected = Geo.AreaHa(Geo.Cell(3, 3, 1, 1)) + Geo.AreaHa(Geo.Cell(3.2, 3.2, 0.5, 0.5));
        decimal.Parse(r4.GetProperty("quantities").GetProperty("value").GetString()!).ShouldBe(expected, 0.01m);
        EvidenceStreams(r4).ShouldBe(["C410102-M1", "410102-RL01"], ignoreOrder: true);

        // Nobody reported the mine's footprint inside RL01 as an encroachment: concealed or omitted.
        var r5 = Finding(report, "R5");
        Cited(r5).ShouldBe([overlaps["occupation redline"]]);
        r5.GetProperty("statement").GetString()!.ShouldContain("隐瞒或漏报");
        r5.GetProperty("deduction").GetDecimal().ShouldBe(5m); // 3 points + 2 per case

        // P1's occupation is recorded on P1 itself, and RL02 was drawn over an earlier footprint: neither is a finding.
        FindingIds(report).ShouldNotContain("F7");
        FindingIds(report).ShouldNotContain("F8");
    }

    [Fact]
    public async Task a_reported_encroachment_meeting_the_footprint_accounts_for_it()
    {
        await PostAsync(Make("redline.encroachment-detected", MapScenario.ZoneKey, County,
            new JsonObject { ["encroachmentId"] = "E1", ["activity"] = "mining" }, "2022-04-01").Drawn(Geo.Cell(3.1, 3.1, 0.7, 0.7)));
        var report = await IssueAsync("national@2026.3");
        FindingIds(report).ShouldNotContain("R5");
        FindingIds(report).ShouldContain("R3"); // now it is the region's own report that counts
        Finding(report, "R4").GetProperty("quantities").GetProperty("count").GetString().ShouldBe("2"); // the report is not an overlap of its own
    }

    [Fact]
    public async Task a_footprint_on_someone_elses_permanent_basic_parcel_is_a_finding_until_the_parcel_records_it()
    {
        await PostAsync(Make("mining.land-damaged", MapScenario.MineKey, County, new JsonObject { ["damage"] = "subsidence" }, "2023-03-01")
            .Drawn(Geo.Cell(11.2, 1.2, 0.4, 0.4)));
        var report = await IssueAsync("national@2026.3");
        var f7 = Finding(report, "F7");
        f7.GetProperty("quantities").GetProperty("count").GetString().ShouldBe("1");
        EvidenceStreams(f7).ShouldBe(["C410102-M1", MapScenario.ParcelKey], ignoreOrder: true);
        Cited(Finding(report, "F8")).ShouldBe(Cited(f7));

        await PostAsync(Make("farmland.occupied", MapScenario.ParcelKey, County,
            new JsonObject { ["purpose"] = "mining", ["legal"] = false }, "2023-03-01").Drawn(Geo.Cell(11.2, 1.2, 0.4, 0.4)));
        var after = await IssueAsync("national@2026.3");
        FindingIds(after).ShouldContain("F7");
        FindingIds(after).ShouldNotContain("F8");
    }

    [Fact]
    public async Task each_cited_overlap_gets_a_small_map_in_the_report_html_and_pdf()
    {
        var report = await IssueAsync("national@2026.3");
        var maps = report.GetProperty("overlapMaps").EnumerateArray().ToList();
        maps.Select(m => m.GetProperty("overlapId").GetString()).ShouldBe(Cited(Finding(report, "R4")), ignoreOrder: true);
        foreach (var m in maps)
            foreach (var part in new[] { "footprintShape", "protectedShape", "overlapShape" })
                m.GetProperty(part).GetProperty("rings").GetArrayLength().ShouldBeGreaterThan(0, part);
        // The mine footprint lies inside RL01: the shared area is the footprint itself.
        var mine = maps.Single(m => m.GetProperty("kind").GetString() == "occupation");
        mine.GetProperty("overlapShape").GetProperty("rings")[0].GetArrayLength().ShouldBe(5);

        var id = report.GetProperty("reportId").GetString();
        var html = await (await app.SendAsync(HttpMethod.Get, $"/api/v1/audits/{id}.html", _auditor)).Content.ReadAsStringAsync();
        html.ShouldContain("<path fill-rule=\"evenodd\"");
        html.ShouldContain($"叠加 Overlap {mine.GetProperty("overlapId").GetString()![..8]}");
        var pdf = await (await app.SendAsync(HttpMethod.Get, $"/api/v1/audits/{id}.pdf", _auditor)).Content.ReadAsByteArrayAsync();
        using var document = UglyToad.PdfPig.PdfDocument.Open(pdf);
        string.Concat(document.GetPages().Select(p => p.Text)).ShouldContain("Overlap");
    }

    [Fact]
    public async Task earlier_rule_sets_ignore_the_overlay()
    {
        var report = await IssueAsync("national@2026.2");
        FindingIds(report).ShouldNotContain("R4");
        FindingIds(report).ShouldNotContain("R5");
        report.TryGetProperty("overlapMaps", out _).ShouldBeFalse();
        (await IssueAsync(null)).GetProperty("ruleSet").GetProperty("version").GetString().ShouldBe("2026.3");
    }

    [Fact]
    public async Task open_overlaps_are_liabilities_of_the_protected_account_in_the_protected_region()
    {
        var liability = RedLineOverlaps(await SheetAsync("410102", "from=2024-01-01&to=2024-12-31"));
        liability.GetProperty("detail").GetString()!.ShouldContain("3 overlap(s)");
        liability.GetProperty("detail").GetString()!.ShouldContain("1 licence, 1 occupation, 1 pre-existing");
        var all = (await OverlapIdsAsync()).Keys.Where(k => k.EndsWith("redline", StringComparison.Ordinal)).ToList();
        all.Count.ShouldBe(3);
        // Roll-up: every party here is in 410102, so the city and province carry exactly the same.
        RedLineOverlaps(await SheetAsync("410100", "from=2024-01-01&to=2024-12-31")).GetProperty("amount").GetDecimal()
            .ShouldBe(liability.GetProperty("amount").GetDecimal());
        Liabilities(await SheetAsync("410102", "from=2024-01-01&to=2024-12-31"), "permanentBasicFarmland")
            .ShouldNotContain(l => l.GetProperty("kind").GetString() == "permanentBasicOverlapsOpen");

        // As of 2021 only the licence was there; as known before RL02, no pre-existing overlap.
        RedLineOverlaps(await SheetAsync("410102", "from=2021-01-01&to=2021-12-31")).GetProperty("detail").GetString()!.ShouldContain("1 licence)");
        var before = InstantPattern.ExtendedIso.Format(_laterZoneRecorded - Duration.FromMinutes(30));
        RedLineOverlaps(await SheetAsync("410102", $"from=2024-01-01&to=2024-12-31&knownAt={before}")).GetProperty("detail").GetString()!.ShouldContain("2 overlap(s)");
    }

    [Fact]
    public async Task a_closed_mine_closes_its_licence_overlap_and_a_redrawn_zone_closes_what_it_no_longer_covers()
    {
        await PostAsync(Make("mining.site-closed", MapScenario.MineKey, County, new JsonObject(), "2024-06-01"),
            Make("redline.zone-adjusted", MapScenario.ZoneKey, County, new JsonObject
            {
                ["deltaHa"] = Geo.AreaHa(Geo.Cell(0, 0, 3, 3)) - Geo.AreaHa(Geo.Cell(0, 0, 4, 4)), ["reason"] = "勘界", ["approvalRef"] = "批9",
                ["geometry"] = Geo.Cell(0, 0, 3, 3),
            }, "2024-06-01"));
        var detail = RedLineOverlaps(await SheetAsync("410102", "from=2024-01-01&to=2024-12-31")).GetProperty("detail").GetString()!;
        detail.ShouldContain("1 overlap(s)");
        detail.ShouldContain("1 pre-existing");
        RedLineOverlaps(await SheetAsync("410102", "from=2024-01-01&to=2024-05-31")).GetProperty("detail").GetString()!.ShouldContain("3 overlap(s)");
    }

    private async Task PostAsync(params JsonObject[] events)
    {
        var posted = await app.PostEventsAsync(_writer, events);
        posted.StatusCode.ShouldBe(HttpStatusCode.OK, await posted.Content.ReadAsStringAsync());
    }

    private Task<JsonElement> IssueAsync(string? ruleSet) => app.IssueReportAsync(_auditor, TenureId, ruleSet);

    /// <summary>Overlap ids by "kind layer" (one of each in the scenario).</summary>
    private async Task<Dictionary<string, string>> OverlapIdsAsync()
    {
        var response = await app.SendAsync(HttpMethod.Get, "/api/v1/regions/410102/overlaps", _auditor);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("overlaps").EnumerateArray().ToDictionary(
            o => $"{o.GetProperty("kind").GetString()} {o.GetProperty("layer").GetString()}", o => o.GetProperty("id").GetString()!);
    }

    private async Task<JsonElement> SheetAsync(string region, string query)
    {
        var response = await app.SendAsync(HttpMethod.Get, $"/api/v1/regions/{region}/balance-sheet?{query}", _auditor);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static List<JsonElement> Liabilities(JsonElement sheet, string account) =>
        sheet.GetProperty("accounts").EnumerateArray().Single(a => a.GetProperty("account").GetString() == account)
            .GetProperty("liabilities").EnumerateArray().ToList();

    private static JsonElement RedLineOverlaps(JsonElement sheet) =>
        Liabilities(sheet, "redLine").Single(l => l.GetProperty("kind").GetString() == "redLineOverlapsOpen");

    private static JsonElement Finding(JsonElement report, string rule) =>
        report.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("ruleId").GetString() == rule);

    private static List<string> FindingIds(JsonElement report) =>
        report.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("ruleId").GetString()!).ToList();

    private static string[] Cited(JsonElement finding) =>
        finding.GetProperty("quantities").GetProperty("overlaps").GetString()!.Split(", ");

    private static List<string> EvidenceStreams(JsonElement finding) =>
        finding.GetProperty("evidence").EnumerateArray().Select(e => e.GetProperty("stream").GetString()!).Distinct().ToList();
}
