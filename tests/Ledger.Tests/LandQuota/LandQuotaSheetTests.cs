using System.Net;
using System.Text.Json;
using Ledger.Tests.Support;
using NodaTime.Text;
using Shouldly;
using static Ledger.Tests.LandQuota.LandQuotaScenario;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.LandQuota;

[Collection(LedgerCollection.Name)]
public sealed class LandQuotaSheetTests(LedgerApp app) : IAsyncLifetime
{
    private string _writer = "";
    private string _auditor = "";
    private string _beforeAdjustment = "";

    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        _writer = await app.KeyAsync("writer");
        _auditor = await app.KeyAsync("auditor");
        var posted = await app.PostEventsAsync(_writer, QuotaEvents());
        var body = await posted.Content.ReadAsStringAsync();
        posted.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        _beforeAdjustment = JsonDocument.Parse(body).RootElement.GetProperty("results")[0].GetProperty("recordedAt").GetString()!;
        var adjusted = await app.PostEventsAsync(_writer, Adjustment());
        adjusted.StatusCode.ShouldBe(HttpStatusCode.OK, await adjusted.Content.ReadAsStringAsync());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData(County, 12, 15, 3, 3, 0)]
    [InlineData("410103", 20, 8, 0, 0, 0)]
    [InlineData(OtherCounty, 0, 7, 0, 0, 0)] // its use counts against the prefecture's quota
    [InlineData(Other, 5, 7, 0, 2, 0)]
    [InlineData(City, 32, 23, 3, 3, 0)] // 410103's spare 12 does not net 410102's 3 away
    [InlineData(Province, 37, 30, 3, 5, 0)]
    [InlineData("000000", 37, 30, 3, 5, 0)]
    public async Task overuse_is_per_region_year_and_summed_not_netted_upwards(string region, decimal quota, decimal used, decimal illegal,
        decimal overuse, decimal withoutQuota)
    {
        var year = Year(await Sheet(region, "from=2024-01-01&to=2024-12-31"), 2024);
        Figures(year).ShouldBe((quota, used, illegal, overuse, withoutQuota));
    }

    [Fact]
    public async Task overuse_is_a_liability_naming_each_region_over_its_quota()
    {
        var account = LandQuota(await Sheet(Province, "from=2024-01-01&to=2024-12-31"));
        account.GetProperty("unit").GetString().ShouldBe("ha");
        var liability = account.GetProperty("liabilities").EnumerateArray().Single();
        liability.GetProperty("kind").GetString().ShouldBe("landQuotaOveruse");
        liability.GetProperty("amount").GetDecimal().ShouldBe(5m);
        liability.GetProperty("detail").GetString()!.ShouldContain("410102: approved occupation 15 ha over a quota of 12 ha");
        liability.GetProperty("detail").GetString()!.ShouldContain("410200: approved occupation 7 ha over a quota of 5 ha");
    }

    [Fact]
    public async Task use_in_a_year_without_any_quota_is_its_own_liability_not_overuse()
    {
        var account = LandQuota(await Sheet(City, "from=2023-01-01&to=2023-12-31"));
        Figures(Year(await Sheet(City, "from=2023-01-01&to=2023-12-31"), 2023)).ShouldBe((0m, 4m, 0m, 0m, 4m));
        var liability = account.GetProperty("liabilities").EnumerateArray().Single();
        (liability.GetProperty("kind").GetString(), liability.GetProperty("amount").GetDecimal()).ShouldBe(("landUseWithoutQuota", 4m));
    }

    [Fact]
    public async Task the_sheet_is_bitemporal_an_adjustment_counts_only_as_known_after_it()
    {
        var known = Uri.EscapeDataString(_beforeAdjustment);
        Figures(Year(await Sheet(County, $"from=2024-01-01&to=2024-12-31&knownAt={known}"), 2024)).ShouldBe((10m, 15m, 3m, 5m, 0m));
        // Before the adjustment's effective date it does not count either.
        Figures(Year(await Sheet(County, "from=2024-01-01&to=2024-05-31"), 2024)).ShouldBe((10m, 15m, 3m, 5m, 0m));
    }

    [Fact]
    public async Task each_figure_links_to_flows_that_sum_to_it()
    {
        var year = Year(await Sheet(City, "from=2024-01-01&to=2024-12-31"), 2024);
        foreach (var (link, figure) in new[] { ("quotaProvenance", 32m), ("usedProvenance", 23m), ("illegalProvenance", 3m), ("newConstructionQuotaProvenance", 6m) })
        {
            var provenance = await Get(year.GetProperty(link).GetString()!);
            provenance.GetProperty("total").GetDecimal().ShouldBe(figure, link);
            provenance.GetProperty("flows").EnumerateArray().Sum(f => f.GetProperty("amount").GetDecimal()).ShouldBe(figure, link);
        }
        var quota = await Get(year.GetProperty("quotaProvenance").GetString()!);
        quota.GetProperty("flows").EnumerateArray().Select(f => (f.GetProperty("stream").GetString(), f.GetProperty("cause").GetString()))
            .ShouldBe([("landquota:410102-2024", "allocation"), ("landquota:410103-2024", "allocation"), ("landquota:410102-2024", "adjustment")]);
    }

    [Fact]
    public async Task the_csv_and_the_stream_show_the_land_quota()
    {
        var csv = await (await app.SendAsync(HttpMethod.Get, $"/api/v1/regions/{Province}/balance-sheet?from=2024-01-01&to=2024-12-31&format=csv", _auditor))
            .Content.ReadAsStringAsync();
        csv.ShouldContain("占用耕地指标 farmland-occupation quota,2024,37,30,3,5,0,6,ha");
        csv.ShouldContain("负债 Liability: landQuotaOveruse");

        var stream = await Get($"/api/v1/streams/landquota/{County}-2024");
        stream.GetProperty("state").GetProperty("farmlandOccupationHa").GetDecimal().ShouldBe(12m);
        stream.GetProperty("state").GetProperty("newConstructionHa").GetDecimal().ShouldBe(6m);
    }

    [Fact]
    public async Task the_region_page_shows_the_land_quota_with_its_figures_linked_to_their_flows()
    {
        using var http = app.Server.CreateClient();
        var cookie = Workbench.WorkbenchForms.SessionCookie(await Workbench.WorkbenchForms.SignIn(http, _auditor));
        var page = await Workbench.WorkbenchForms.Page(http, cookie, $"/ui/regions/{City}?from=2024-01-01&to=2024-12-31");
        var html = await page.Content.ReadAsStringAsync();
        page.StatusCode.ShouldBe(HttpStatusCode.OK, html);
        html.ShouldContain("占用耕地指标");
        html.ShouldContain("account=landQuotaUsed&amp;year=2024\">23</a>");
        html.ShouldContain("占用耕地超过年度指标");

        var provenance = await Workbench.WorkbenchForms.Page(http, cookie,
            $"/ui/regions/{City}/provenance?from=2024-01-01&to=2024-12-31&account=landQuota&year=2024");
        var text = await provenance.Content.ReadAsStringAsync();
        provenance.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        text.ShouldContain("<strong id=\"provenance-total\">32</strong> ha");
    }

    private static (decimal, decimal, decimal, decimal, decimal) Figures(JsonElement y) =>
        (y.GetProperty("quota").GetDecimal(), y.GetProperty("used").GetDecimal(), y.GetProperty("illegal").GetDecimal(),
            y.GetProperty("overuse").GetDecimal(), y.GetProperty("withoutQuota").GetDecimal());

    private static JsonElement LandQuota(JsonElement sheet) =>
        sheet.GetProperty("accounts").EnumerateArray().Single(a => a.GetProperty("account").GetString() == "landQuota");

    private static JsonElement Year(JsonElement sheet, int year) =>
        LandQuota(sheet).GetProperty("years").EnumerateArray().Single(y => y.GetProperty("year").GetInt32() == year);

    private Task<JsonElement> Sheet(string region, string query) => Get($"/api/v1/regions/{region}/balance-sheet?{query}");

    private async Task<JsonElement> Get(string url)
    {
        var response = await app.SendAsync(HttpMethod.Get, url, _auditor);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
