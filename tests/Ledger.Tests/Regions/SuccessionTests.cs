using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Tests.Support;
using Shouldly;
using static Ledger.Tests.Regions.Lineages;
using static Ledger.Tests.Regions.SheetReading;

namespace Ledger.Tests.Regions;

[Collection(LedgerCollection.Name)]
public sealed class SuccessionTests(LedgerApp app) : IAsyncLifetime
{
    private string _writer = "";
    private string _auditor = "";

    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        _writer = await app.KeyAsync("writer");
        _auditor = await app.KeyAsync("investigator");
        await Post([.. Lineages.Regions(), .. Parcels()]);
        await Post(Occupy($"{OldCounty}-000001", OldCounty, 1m, "2022-03-01"));
        await Post(Succeeded(District, "upgrade", "2023-01-01", OldCounty));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task the_old_code_is_retired_from_the_succession_date_and_its_streams_go_on_under_the_new_one()
    {
        var refused = await app.PostEventsAsync(_writer, Occupy($"{OldCounty}-000001", OldCounty, 1m, "2023-06-01"));
        refused.StatusCode.ShouldBe((HttpStatusCode)422);
        (await refused.Content.ReadAsStringAsync()).ShouldContain($"region {OldCounty} was succeeded by {District} on 2023-01-01");

        await Post(Occupy($"{OldCounty}-000001", District, 2m, "2023-06-01"));
        var wrong = await app.PostEventsAsync(_writer, Occupy($"{OldCounty}-000002", District, 1m, "2022-06-01"));
        wrong.StatusCode.ShouldBe((HttpStatusCode)422, "a record dated before the succession still takes the old code");
        (await wrong.Content.ReadAsStringAsync()).ShouldContain($"belongs to region {OldCounty} on 2022-06-01");
    }

    [Fact]
    public async Task the_successor_sheet_carries_its_predecessor_history_and_the_prefecture_sees_no_transfer()
    {
        await Post(Occupy($"{OldCounty}-000001", District, 2m, "2023-06-01"));
        // A late record under the old code, dated before the succession: it moves with its parcel.
        await Post(Occupy($"{OldCounty}-000002", OldCounty, 0.5m, "2022-09-01"));

        var district = FarmlandOf(await Sheet(District, "2022-01-01", "2023-12-31"));
        district.Opening.ShouldBe(15m);
        district.Reductions.ShouldBe(new Dictionary<string, decimal> { ["occupation-construction-legal"] = 3.5m });
        district.Additions.ShouldBeEmpty();
        district.Closing.ShouldBe(11.5m);
        FarmlandOf(await Sheet(District, "2023-01-01", "2023-12-31")).Opening.ShouldBe(13.5m, "its opening on the date is the predecessor's closing");

        var old = FarmlandOf(await Sheet(OldCounty, "2022-01-01", "2023-12-31"));
        old.Reductions.ShouldBe(new Dictionary<string, decimal> { ["occupation-construction-legal"] = 1.5m, ["region-transfer"] = 14m });
        old.Additions.ShouldBe(new Dictionary<string, decimal> { ["region-transfer"] = 0.5m }, "the late record's share moves back the other way");
        old.Closing.ShouldBe(0m);

        var prefecture = FarmlandOf(await Sheet("410100", "2022-01-01", "2023-12-31"));
        prefecture.Reductions.ShouldBe(new Dictionary<string, decimal> { ["occupation-construction-legal"] = 3.5m });
        prefecture.Closing.ShouldBe(11.5m);
    }

    [Fact]
    public async Task the_successor_sheet_carries_its_predecessor_land_quota_years()
    {
        await Post(Ev.Make("landquota.allocated", $"{OldCounty}-2022", OldCounty,
            new System.Text.Json.Nodes.JsonObject { ["year"] = 2022, ["farmlandOccupationHa"] = 5m, ["planRef"] = "计划" }, "2022-01-01"));
        var years = (await Sheet(District, "2022-01-01", "2023-12-31")).GetProperty("accounts").EnumerateArray()
            .Single(a => a.GetProperty("account").GetString() == "landQuota").GetProperty("years").EnumerateArray().ToList();
        var y2022 = years.Single(y => y.GetProperty("year").GetInt32() == 2022);
        (y2022.GetProperty("quota").GetDecimal(), y2022.GetProperty("used").GetDecimal()).ShouldBe((5m, 1m));
    }

    [Fact]
    public async Task a_move_between_prefectures_is_a_transfer_out_of_one_and_into_the_other_and_invisible_above()
    {
        await Post(Succeeded(Moved, "transfer", "2024-01-01", District));

        FarmlandOf(await Sheet("410100", "2024-01-01", "2024-12-31")).Reductions
            .ShouldBe(new Dictionary<string, decimal> { ["region-transfer"] = 14m });
        var into = FarmlandOf(await Sheet("410200", "2024-01-01", "2024-12-31"));
        into.Additions.ShouldBe(new Dictionary<string, decimal> { ["region-transfer"] = 14m });
        into.Closing.ShouldBe(14m);
        var province = FarmlandOf(await Sheet("410000", "2024-01-01", "2024-12-31"));
        province.Additions.ShouldBeEmpty();
        province.Reductions.ShouldBeEmpty();
        province.Closing.ShouldBe(14m);
        var moved = FarmlandOf(await Sheet(Moved, "2021-01-01", "2024-12-31"));
        (moved.Opening, moved.Closing).ShouldBe((0m, 14m));
        moved.Additions.ShouldBe(new Dictionary<string, decimal> { ["registration-baseline"] = 15m }, "its history goes back through both codes");

        var rows = await Get("/api/v1/regions/410100/balance-sheet/provenance?account=farmland&part=reductions&cause=region-transfer&from=2024-01-01&to=2024-12-31");
        rows.GetProperty("total").GetDecimal().ShouldBe(14m);
        rows.GetProperty("flows").EnumerateArray().Select(f => (f.GetProperty("stream").GetString(), f.GetProperty("amount").GetDecimal()))
            .ShouldBe([($"farmland:{OldCounty}-000001", 9m), ($"farmland:{OldCounty}-000002", 5m)], ignoreOrder: true, "the streams the move took, each with its stock");
    }

    [Fact]
    public async Task a_succession_recorded_late_changes_sheets_only_as_known_after_it()
    {
        var before = app.Clock.GetCurrentInstant();
        app.Clock.Advance(NodaTime.Duration.FromDays(1));
        await Post(Succeeded(Moved, "transfer", "2024-01-01", District));
        var known = NodaTime.Text.InstantPattern.ExtendedIso.Format(before);
        var then = await Get($"/api/v1/regions/410100/balance-sheet?from=2024-01-01&to=2024-12-31&knownAt={known}");
        FarmlandOf(then).Reductions.ShouldBeEmpty();
        FarmlandOf(then).Closing.ShouldBe(14m);
        FarmlandOf(await Sheet("410100", "2024-01-01", "2024-12-31")).Closing.ShouldBe(0m);
    }

    [Fact]
    public async Task every_figure_across_codes_links_to_rows_that_sum_to_it()
    {
        await Post(Occupy($"{OldCounty}-000002", OldCounty, 0.5m, "2022-09-01"));
        await Post(Succeeded(Moved, "transfer", "2024-01-01", District));
        foreach (var region in new[] { OldCounty, District, Moved, "410100", "410200", "410000" })
        {
            var sheet = await Sheet(region, "2022-01-01", "2024-12-31");
            foreach (var account in sheet.GetProperty("accounts").EnumerateArray().Where(a => a.TryGetProperty("closing", out _)))
            {
                var name = $"{region} {account.GetProperty("account").GetString()}";
                (await Get(account.GetProperty("provenance").GetString()!)).GetProperty("total").GetDecimal()
                    .ShouldBe(account.GetProperty("closing").GetDecimal(), name);
                foreach (var side in new[] { "additions", "reductions" })
                foreach (var cause in account.GetProperty(side).EnumerateArray())
                {
                    var rows = await Get(cause.GetProperty("provenance").GetString()!);
                    rows.GetProperty("total").GetDecimal().ShouldBe(cause.GetProperty("amount").GetDecimal(), $"{name} {side} {cause.GetProperty("cause")}");
                }
            }
        }
    }

    [Fact]
    public async Task the_region_pages_show_the_history_of_codes()
    {
        using var http = app.Server.CreateClient();
        var cookie = Workbench.WorkbenchForms.SessionCookie(await Workbench.WorkbenchForms.SignIn(http, _auditor));
        var district = await (await Workbench.WorkbenchForms.Page(http, cookie, $"/ui/regions/{District}")).Content.ReadAsStringAsync();
        district.ShouldContain("id=\"lineage\"");
        district.ShouldContain($"/ui/regions/{OldCounty}");
        var old = await (await Workbench.WorkbenchForms.Page(http, cookie, $"/ui/regions/{OldCounty}")).Content.ReadAsStringAsync();
        old.ShouldContain("2023-01-01");
        old.ShouldContain($"/ui/regions/{District}");
        var prefecture = await (await Workbench.WorkbenchForms.Page(http, cookie, "/ui/regions/410100")).Content.ReadAsStringAsync();
        prefecture.ShouldContain($"{OldCounty} · ");
        prefecture.ShouldContain($"2023-01-01 → {District}");
    }

    private async Task Post(params System.Text.Json.Nodes.JsonObject[] events)
    {
        var response = await app.PostEventsAsync(_writer, events);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private Task<JsonElement> Sheet(string region, string from, string to) =>
        Get($"/api/v1/regions/{region}/balance-sheet?from={from}&to={to}");

    private async Task<JsonElement> Get(string url)
    {
        var response = await app.SendAsync(HttpMethod.Get, url, _auditor);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
