using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Tests.Support;
using Shouldly;
using static Ledger.Tests.Audits.AuditScenarios;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.LandQuota;

/// <summary>
/// The audit scenario's county with land quotas: 2021 holds 5 ha and uses 2; 2022 holds 1 and
/// uses 3 (2 over); 2023 has no quota and uses 1. Occupation is balanced by supplementation, so
/// only the quota rule fails: F6 = 3 × 1 region-year + 0.5 × 2 ha = 4.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class LandQuotaAuditTests(LedgerApp app) : IAsyncLifetime
{
    private string _auditor = "";
    private JsonObject[] _events = [];

    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        _auditor = await app.KeyAsync("auditor");
        _events =
        [
            .. Base(),
            LandQuotaScenario.Allocated(County, 2021, 5m, "2021-01-05"),
            LandQuotaScenario.Allocated(County, 2022, 1m, "2022-01-05"),
            Occupation(ParcelA, 2m, legal: true, "2021-03-01"),
            Occupation(ParcelA, 3m, legal: true, "2022-02-01"),
            Occupation(ParcelA, 1m, legal: true, "2023-04-01"),
            Supplemented(ParcelA, 6m, "2023-06-01"),
        ];
        await PostOnTheirDatesAsync(app, await app.KeyAsync("writer"), _events);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task overuse_in_the_tenure_years_is_deducted_with_the_quota_and_occupation_events_as_evidence()
    {
        var report = await IssueAsync(null);
        report.GetProperty("ruleSet").GetProperty("version").GetString().ShouldBe("2026.3");
        var finding = report.GetProperty("findings").EnumerateArray().ShouldHaveSingleItem();
        finding.GetProperty("ruleId").GetString().ShouldBe("F6");
        finding.GetProperty("deduction").GetDecimal().ShouldBe(4m);
        finding.GetProperty("statementEn").GetString()!.ShouldContain("410102 2022: 3 > 1");
        finding.GetProperty("evidence").EnumerateArray().Select(e => e.GetProperty("eventId").GetString()).ShouldBe([
            Id("landquota.allocated", "2022-01-05"), Id("farmland.occupied", "2022-02-01"),
        ]);
        report.GetProperty("score").GetDecimal().ShouldBe(96m);

        var indicator = report.GetProperty("indicators").EnumerateArray().Single(i => i.GetProperty("id").GetString() == "landQuota");
        (indicator.GetProperty("target").GetDecimal(), indicator.GetProperty("compliant").GetBoolean()).ShouldBe((6m, false));
        indicator.GetProperty("parts").EnumerateArray().ToDictionary(p => p.GetProperty("id").GetString()!, p => p.GetProperty("value").GetDecimal())
            .ShouldBe(new Dictionary<string, decimal> { ["quota"] = 6m, ["used"] = 6m, ["illegal"] = 0m, ["overuse"] = 2m, ["withoutQuota"] = 1m });
    }

    [Fact]
    public async Task a_report_under_the_earlier_rule_set_neither_deducts_nor_shows_the_quota()
    {
        var report = await IssueAsync("national@2026.1");
        report.GetProperty("findings").GetArrayLength().ShouldBe(0);
        report.GetProperty("score").GetDecimal().ShouldBe(100m);
        report.GetProperty("indicators").EnumerateArray().ShouldNotContain(i => i.GetProperty("id").GetString() == "landQuota");
    }

    private string Id(string type, string date) =>
        _events.Single(e => e["type"]!.GetValue<string>() == type && e["effectiveDate"]!.GetValue<string>() == date)["eventId"]!.GetValue<string>();

    private Task<JsonElement> IssueAsync(string? ruleSet)
    {
        SetClock(app, "2024-01-15");
        return app.IssueReportAsync(_auditor, TenureId, ruleSet);
    }
}
