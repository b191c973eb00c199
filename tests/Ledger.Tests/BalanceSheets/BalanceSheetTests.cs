using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClosedXML.Excel;
using Ledger.Tests.Support;
using NodaTime;
using NodaTime.Text;
using Shouldly;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.BalanceSheets;

[Collection(LedgerCollection.Name)]
public sealed class BalanceSheetTests(LedgerApp app) : IAsyncLifetime
{
    private string _writer = "";
    private string _auditor = "";

    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        _writer = await app.KeyAsync("writer");
        _auditor = await app.KeyAsync("auditor");
        var posted = await app.PostEventsAsync(_writer, SheetScenario.Events());
        posted.StatusCode.ShouldBe(HttpStatusCode.OK, await posted.Content.ReadAsStringAsync());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task the_county_sheet_matches_the_hand_computed_figures()
    {
        var sheet = await Sheet(County, "from=2024-01-01&to=2024-12-31");

        var farmland = Account(sheet, "farmland");
        farmland.GetProperty("opening").GetDecimal().ShouldBe(14m);
        Causes(farmland, "additions").ShouldBe(new Dictionary<string, decimal> { ["supplementation-reclamation"] = 0.5m });
        Causes(farmland, "reductions").ShouldBe(new Dictionary<string, decimal> { ["disaster"] = 1m, ["occupation-construction-illegal"] = 2m });
        farmland.GetProperty("closing").GetDecimal().ShouldBe(11.5m);
        farmland.GetProperty("liabilities").GetArrayLength().ShouldBe(0);

        var protectedLand = Account(sheet, "permanentBasicFarmland");
        protectedLand.GetProperty("opening").GetDecimal().ShouldBe(5m);
        Causes(protectedLand, "reductions").ShouldBe(new Dictionary<string, decimal> { ["disaster"] = 1m });
        protectedLand.GetProperty("closing").GetDecimal().ShouldBe(4m);
        Liability(protectedLand, "permanentBasicBelowTarget").ShouldBe(1m);

        var occupied = Account(sheet, "miningOccupied");
        Causes(occupied, "additions").ShouldBe(new Dictionary<string, decimal> { ["occupation-of-farmland"] = 20m });
        Causes(occupied, "reductions").ShouldBe(new Dictionary<string, decimal> { ["reclamation-to-forest"] = 4m });
        occupied.GetProperty("closing").GetDecimal().ShouldBe(16m);
        var damaged = Account(sheet, "miningDamagedUnreclaimed");
        damaged.GetProperty("closing").GetDecimal().ShouldBe(8m);
        Liability(damaged, "miningDamagedUnreclaimed").ShouldBe(8m);

        var redLine = Account(sheet, "redLine");
        redLine.GetProperty("opening").GetDecimal().ShouldBe(100m);
        Causes(redLine, "reductions").ShouldBe(new Dictionary<string, decimal> { ["adjustment"] = 5m });
        redLine.GetProperty("closing").GetDecimal().ShouldBe(95m);
        Liability(redLine, "redLineEncroachmentsOpen").ShouldBe(1m);

        var water = Account(sheet, "water");
        var year = water.GetProperty("years")[0];
        year.GetProperty("year").GetInt32().ShouldBe(2024);
        year.GetProperty("quota").GetDecimal().ShouldBe(950m);
        year.GetProperty("use").GetDecimal().ShouldBe(1040.5m);
        year.GetProperty("overuse").GetDecimal().ShouldBe(90.5m);
        Liability(water, "waterOveruse").ShouldBe(90.5m);
    }

    [Fact]
    public async Task a_farmland_shortfall_against_the_retention_target_is_a_liability()
    {
        var sheet = await Sheet(County, "from=2025-01-01&to=2025-12-31");
        var farmland = Account(sheet, "farmland");
        farmland.GetProperty("closing").GetDecimal().ShouldBe(10.5m);
        // The year's conversion to an orchard, not offset by any restoration, is its only liability (耕地进出平衡, contract 1.8).
        farmland.GetProperty("liabilities").EnumerateArray().Select(l => l.GetProperty("kind").GetString()).ShouldBe(["farmlandInOutDeficit"]);
        Liability(farmland, "farmlandInOutDeficit").ShouldBe(1m);

        (await app.PostEventsAsync(_writer, Make("farmland.occupied", "410102-A", County,
            new JsonObject { ["areaHa"] = 2m, ["purpose"] = "transport", ["legal"] = true, ["approvalRef"] = "批" }, "2025-06-01"))).EnsureSuccessStatusCode();
        var after = Account(await Sheet(County, "from=2025-01-01&to=2025-12-31"), "farmland");
        Liability(after, "farmlandBelowRetentionTarget").ShouldBe(0.5m);
        after.GetProperty("liabilities").EnumerateArray().Single(l => l.GetProperty("kind").GetString() == "farmlandBelowRetentionTarget")
            .GetProperty("detail").GetString()!.ShouldContain("against a retention target");
    }

    [Fact]
    public async Task counties_sum_exactly_to_their_city_province_and_nation()
    {
        await app.PostEventsAsync(_writer, Region("410103", "county", City), Parcel("410103-000001", 7.125m).With("regionCode", "410103"),
            Region("410200", "prefecture", Province), Region("410201", "county", "410200"),
            Parcel("410201-000001", 3.3333m).With("regionCode", "410201"));

        var range = "from=2024-01-01&to=2024-12-31";
        decimal Closing(JsonElement s) => Account(s, "farmland").GetProperty("closing").GetDecimal();
        var county = Closing(await Sheet(County, range));
        var other = Closing(await Sheet("410103", range));
        var city = Closing(await Sheet(City, range));
        var secondCity = Closing(await Sheet("410200", range));
        var province = Closing(await Sheet(Province, range));
        var nation = Closing(await Sheet("000000", range));

        city.ShouldBe(county + other);
        province.ShouldBe(city + secondCity);
        nation.ShouldBe(province);
        nation.ShouldBe(11.5m + 7.125m + 3.3333m);
    }

    [Fact]
    public async Task a_back_dated_event_changes_its_period_only_for_readers_after_it_was_recorded()
    {
        var before = InstantPattern.ExtendedIso.Format(app.Clock.GetCurrentInstant());
        app.Clock.Advance(Duration.FromDays(30));
        (await app.PostEventsAsync(_writer, Occupied("410102-A", 1m, "2024-02-01"))).EnsureSuccessStatusCode();

        decimal Closing(JsonElement s) => Account(s, "farmland").GetProperty("closing").GetDecimal();
        Closing(await Sheet(County, "from=2024-01-01&to=2024-12-31")).ShouldBe(10.5m);
        Closing(await Sheet(County, $"from=2024-01-01&to=2024-12-31&knownAt={before}")).ShouldBe(11.5m);
        var year2023 = await Sheet(County, "from=2023-01-01&to=2023-12-31");
        Closing(year2023).ShouldBe(14m);
        var early = await Sheet(County, "from=2024-01-01&to=2024-01-31");
        Closing(early).ShouldBe(14m);
        Account(await Sheet(County, "from=2024-02-01&to=2024-02-29"), "farmland").GetProperty("opening").GetDecimal().ShouldBe(14m);
    }

    [Fact]
    public async Task a_sheet_known_before_later_records_leaves_them_out_exactly()
    {
        // Known near the newest record, a sheet reads every recorded quarter's totals and takes away what
        // came after its knownAt (here two records, one and none); known long before it, the totals of the
        // quarters before knownAt's and the rows of its quarter (after the record months later).
        string Now() => InstantPattern.ExtendedIso.Format(app.Clock.GetCurrentInstant());
        var beforeBoth = Now();
        app.Clock.Advance(Duration.FromHours(1));
        (await app.PostEventsAsync(_writer, Occupied("410102-A", 1m, "2024-02-01"))).EnsureSuccessStatusCode();
        var afterFirst = Now();
        app.Clock.Advance(Duration.FromHours(1));
        (await app.PostEventsAsync(_writer, Occupied("410102-A", 0.25m, "2024-03-01"))).EnsureSuccessStatusCode();
        var afterBoth = Now();
        await Expect((beforeBoth, 11.5m), (afterFirst, 10.5m), (afterBoth, 10.25m));

        app.Clock.Advance(Duration.FromDays(100));
        (await app.PostEventsAsync(_writer, Occupied("410102-A", 0.5m, "2024-04-01"))).EnsureSuccessStatusCode();
        await Expect((beforeBoth, 11.5m), (afterFirst, 10.5m), (afterBoth, 10.25m), (Now(), 9.75m));
    }

    private async Task Expect(params (string KnownAt, decimal Closing)[] expected)
    {
        foreach (var (knownAt, closing) in expected)
        foreach (var region in new[] { County, "410000", "000000" })
        {
            var farmland = Account(await Sheet(region, $"from=2024-01-01&to=2024-12-31&knownAt={knownAt}"), "farmland");
            farmland.GetProperty("closing").GetDecimal().ShouldBe(closing, $"{region} known at {knownAt}");
            var opening = farmland.GetProperty("opening").GetDecimal();
            Account(await Sheet(region, $"from=2025-01-01&to=2025-12-31&knownAt={knownAt}"), "farmland").GetProperty("opening").GetDecimal()
                .ShouldBe(closing, $"{region} 2025 opens where 2024 closed, known at {knownAt}");
            opening.ShouldBe(Account(await Sheet(region, $"from=2023-01-01&to=2023-12-31&knownAt={knownAt}"), "farmland").GetProperty("closing").GetDecimal());
        }
    }

    [Fact]
    public async Task annual_sheets_chain_each_opening_to_the_previous_closing()
    {
        var response = await app.SendAsync(HttpMethod.Get, $"/api/v1/regions/{County}/balance-sheet/annual?fromYear=2020&toYear=2025", _auditor);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var sheets = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("sheets").EnumerateArray().ToList();
        sheets.Count.ShouldBe(6);
        foreach (var account in new[] { "farmland", "permanentBasicFarmland", "redLine", "miningOccupied", "miningDamagedUnreclaimed" })
            for (var i = 1; i < sheets.Count; i++)
                Account(sheets[i], account).GetProperty("opening").GetDecimal()
                    .ShouldBe(Account(sheets[i - 1], account).GetProperty("closing").GetDecimal(), account);
        Account(sheets[^1], "farmland").GetProperty("closing").GetDecimal().ShouldBe(10.5m);
    }

    [Fact]
    public async Task csv_and_xlsx_exports_carry_the_same_figures_with_chinese_headers()
    {
        var csv = await app.SendAsync(HttpMethod.Get, $"/api/v1/regions/{County}/balance-sheet?from=2024-01-01&to=2024-12-31&format=csv", _auditor);
        csv.StatusCode.ShouldBe(HttpStatusCode.OK);
        csv.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        var text = await csv.Content.ReadAsStringAsync();
        text.ShouldContain("期初 Opening,增加 Additions,减少 Reductions,期末 Closing");
        text.ShouldContain("耕地 farmland,合计 total,,14,0.5,3,11.5,ha");

        var xlsx = await app.SendAsync(HttpMethod.Get, $"/api/v1/regions/{County}/balance-sheet?from=2024-01-01&to=2024-12-31&format=xlsx", _auditor);
        xlsx.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var book = new XLWorkbook(new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync()));
        var ws = book.Worksheet(1);
        var total = ws.RowsUsed().First(r => r.Cell(1).GetString() == "耕地 farmland" && r.Cell(2).GetString() == "合计 total");
        total.Cell(7).GetValue<decimal>().ShouldBe(11.5m);
    }

    [Theory]
    [InlineData("from=2024-13-01", 400, "from")]
    [InlineData("from=2024-05-01&to=2024-01-01", 400, "to")]
    [InlineData("knownAt=yesterday", 400, "knownAt")]
    [InlineData("format=pdf", 400, "format")]
    public async Task bad_sheet_parameters_are_400_problems(string query, int status, string field)
    {
        var response = await app.SendAsync(HttpMethod.Get, $"/api/v1/regions/{County}/balance-sheet?{query}", _auditor);
        ((int)response.StatusCode).ShouldBe(status);
        (await response.Content.ReadAsStringAsync()).ShouldContain($"\"field\":\"{field}\"");
    }

    [Fact]
    public async Task unknown_regions_are_404_and_regions_outside_scope_403()
    {
        (await app.SendAsync(HttpMethod.Get, "/api/v1/regions/450000/balance-sheet", _auditor)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var local = await app.KeyAsync("auditor", "410100");
        (await app.SendAsync(HttpMethod.Get, "/api/v1/regions/410000/balance-sheet", local)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await app.SendAsync(HttpMethod.Get, "/api/v1/regions/410102/balance-sheet", _writer)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    private async Task<JsonElement> Sheet(string region, string query)
    {
        var response = await app.SendAsync(HttpMethod.Get, $"/api/v1/regions/{region}/balance-sheet?{query}", _auditor);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static JsonElement Account(JsonElement sheet, string account) =>
        sheet.GetProperty("accounts").EnumerateArray().Single(a => a.GetProperty("account").GetString() == account);

    private static Dictionary<string, decimal> Causes(JsonElement account, string side) =>
        account.GetProperty(side).EnumerateArray().ToDictionary(c => c.GetProperty("cause").GetString()!, c => c.GetProperty("amount").GetDecimal());

    private static decimal Liability(JsonElement account, string kind) =>
        account.GetProperty("liabilities").EnumerateArray().Single(l => l.GetProperty("kind").GetString() == kind).GetProperty("amount").GetDecimal();
}
