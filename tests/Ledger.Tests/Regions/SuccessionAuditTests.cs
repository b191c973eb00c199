using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Tests.Support;
using Shouldly;
using static Ledger.Tests.Regions.Lineages;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Regions;

/// <summary>
/// A party secretary of 中牟县 from 2021 stays in post when it becomes 中牟区 (2023) and leaves in
/// 2024: the audit covers both codes. A tenure that ended before the change is still auditable.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class SuccessionAuditTests(LedgerApp app) : IAsyncLifetime
{
    private string _writer = "";
    private string _auditor = "";

    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        _writer = await app.KeyAsync("writer");
        _auditor = await app.KeyAsync("auditor");
        await Ok([.. Lineages.Regions(), .. Parcels(), Tenure("T-OLD-1").With("regionCode", OldCounty).With("effectiveDate", "2020-06-01"),
            Tenure("T-OLD-2").With("regionCode", OldCounty).With("effectiveDate", "2020-06-01"),
            Occupy($"{OldCounty}-000001", OldCounty, 1m, "2022-03-01")]);
        await Ok(Make("tenure.ended", "T-OLD-2", OldCounty, new JsonObject(), "2022-06-30"));
        await Ok(Succeeded(District, "upgrade", "2023-01-01", OldCounty));
        await Ok(Occupy($"{OldCounty}-000002", District, 2m, "2023-06-01"),
            Make("tenure.ended", "T-OLD-1", District, new JsonObject(), "2024-06-30"));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task a_tenure_that_outlived_its_code_covers_both_codes()
    {
        var report = await Audit("T-OLD-1");
        var farmland = Indicator(report, "farmland");
        (farmland.GetProperty("start").GetDecimal(), farmland.GetProperty("end").GetDecimal()).ShouldBe((0m, 12m));
        report.GetProperty("tenure").GetProperty("regionCode").GetString().ShouldBe(District);
        var flag = report.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("ruleId").GetString() == "B3");
        flag.GetProperty("evidence").EnumerateArray().Select(e => e.GetProperty("type").GetString()).ShouldBe(["region.succeeded"]);
        flag.GetProperty("statementEn").GetString()!.ShouldContain(District);
    }

    [Fact]
    public async Task a_tenure_that_ended_before_the_succession_is_still_audited_on_its_own_code()
    {
        var report = await Audit("T-OLD-2");
        Indicator(report, "farmland").GetProperty("end").GetDecimal().ShouldBe(14m);
        report.GetProperty("tenure").GetProperty("regionCode").GetString().ShouldBe(OldCounty);
        report.GetProperty("findings").EnumerateArray().ShouldNotContain(f => f.GetProperty("ruleId").GetString() == "B3");
    }

    [Fact]
    public async Task land_quota_overuse_under_the_old_code_counts_in_the_successor_tenure()
    {
        await Ok(Make("landquota.allocated", $"{OldCounty}-2022", OldCounty,
            new JsonObject { ["year"] = 2022, ["farmlandOccupationHa"] = 0.5m, ["planRef"] = "计划" }, "2022-01-01"));
        var report = await Audit("T-OLD-1");
        var f6 = report.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("ruleId").GetString() == "F6");
        f6.GetProperty("statementEn").GetString()!.ShouldContain(OldCounty);
        f6.GetProperty("evidence").EnumerateArray().Select(e => e.GetProperty("type").GetString()).ShouldContain("landquota.allocated");
    }

    private static JsonElement Indicator(JsonElement report, string id) =>
        report.GetProperty("indicators").EnumerateArray().Single(i => i.GetProperty("id").GetString() == id);

    private async Task<JsonElement> Audit(string tenure)
    {
        var created = await app.SendAsync(HttpMethod.Post, "/api/v1/audits/departure", _auditor, new { tenureId = tenure });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("reportId").GetString();
        var response = await app.SendAsync(HttpMethod.Get, $"/api/v1/audits/{id}", _auditor);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task Ok(params JsonObject[] events)
    {
        var response = await app.PostEventsAsync(_writer, events);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }
}
