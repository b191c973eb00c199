using Ledger.Audit.Departure;
using Ledger.LandQuotas;
using NodaTime;
using Shouldly;

namespace Ledger.Tests.Unit;

public sealed class LandQuotaUnitTests
{
    [Fact]
    public void an_occupation_counts_against_the_nearest_quota_at_or_above_its_region()
    {
        var held = new HashSet<(string, int)> { ("410100", 2024), ("410102", 2024), ("410000", 2023) };
        LandQuotaUnits.UnitOf("410102", 2024, held.Contains).ShouldBe(("410102", 2024));
        LandQuotaUnits.UnitOf("410103", 2024, held.Contains).ShouldBe(("410100", 2024));
        LandQuotaUnits.UnitOf("410103", 2023, held.Contains).ShouldBe(("410000", 2023));
        LandQuotaUnits.UnitOf("420103", 2024, held.Contains).ShouldBe(("420103", 2024));
        LandQuotaUnits.Covering("410102").ShouldBe(["410102", "410100", "410000"]);
        LandQuotaUnits.Covering("410100").ShouldBe(["410100", "410000"]);
    }

    [Fact]
    public void spare_quota_in_one_unit_never_offsets_overuse_in_another_and_use_without_quota_is_not_overuse()
    {
        var units = LandQuotaUnits.Of(
            [new QuotaFigure("410102", 2024, 10m, 0), new QuotaFigure("410102", 2024, 2m, 1m), new QuotaFigure("410103", 2024, 20m, 0)],
            [new UseFigure("410102", 2024, 15m, 3m), new UseFigure("410103", 2024, 8m, 0), new UseFigure("420102", 2024, 4m, 0)]);
        units.Select(u => (u.RegionCode, u.Quota, u.NewConstruction, u.Used, u.Illegal, u.Overuse, u.WithoutQuota)).ShouldBe([
            ("410102", 12m, 1m, 15m, 3m, 3m, 0m), ("410103", 20m, 0m, 8m, 0m, 0m, 0m), ("420102", 0m, 0m, 4m, 0m, 0m, 4m),
        ]);
        units.Sum(u => u.Overuse).ShouldBe(3m);
    }

    [Fact]
    public void an_audit_charges_only_the_overuse_that_arose_inside_its_window()
    {
        // Quota 5 ha for 2022; 6 ha approved in March (before the tenure), 3 more in August (inside it).
        var quota = new FlowFact("landQuota", "allocation", "410102", "landquota:410102-2022", 2022, 5m, Ref(1, new LocalDate(2022, 1, 5)));
        var march = new FlowFact("farmland", "occupation-construction-legal", "410102", "farmland:P", null, -6m, Ref(2, new LocalDate(2022, 3, 1)));
        var august = new FlowFact("farmland", "occupation-construction-legal", "410102", "farmland:P", null, -3m, Ref(3, new LocalDate(2022, 8, 1)));
        var inputs = Inputs(new LocalDate(2022, 7, 1)) with { LandQuota = new LandQuotaFacts([quota], [march, august]) };

        var measure = LandQuotaMeasure.Compute(LandQuotaMeasure.Name, inputs, new LocalDate(2022, 7, 1), new LocalDate(2023, 12, 31));
        // Over by 1 before the tenure and by 4 at its end: 3 arose inside it.
        (measure.Value, measure.Count).ShouldBe((3m, 1));
        measure.Evidence.Select(e => e.Sequence).ShouldBe([1L, 2L, 3L]);
        measure.Values["years"].ShouldBe("410102 2022: 9 > 5");
    }

    [Fact]
    public void the_land_quota_indicator_appears_only_under_rule_sets_that_measure_it()
    {
        var inputs = Inputs(new LocalDate(2021, 1, 1));
        ReportBuilder.Build(inputs, RuleSets.Find("national@2026.1")!, new ReportBuilder.Issue(Guid.Empty, inputs.KnownAt, "t", "agricultural"))
            .Indicators.ShouldNotContain(i => i.Id == "landQuota");
        ReportBuilder.Build(inputs, RuleSets.Find("national@2026.2")!, new ReportBuilder.Issue(Guid.Empty, inputs.KnownAt, "t", "agricultural"))
            .Indicators.ShouldContain(i => i.Id == "landQuota");
    }

    [Fact]
    public void the_demo_province_has_land_quotas_and_at_least_one_region_year_over_its_quota()
    {
        var events = new Ledger.Demo.DemoLedger().Events().ToList();
        decimal D(System.Text.Json.Nodes.JsonObject e, string field) => e["data"]![field]?.GetValue<decimal>() ?? 0;
        string Region(System.Text.Json.Nodes.JsonObject e) => e["regionCode"]!.GetValue<string>();
        int Year(System.Text.Json.Nodes.JsonObject e) => int.Parse(e["stream"]!.GetValue<string>()[7..]);
        var quotas = events.Where(e => e["type"]!.GetValue<string>() == "landquota.allocated")
            .Select(e => new QuotaFigure(Region(e), Year(e), D(e, "farmlandOccupationHa"), 0))
            .Concat(events.Where(e => e["type"]!.GetValue<string>() == "landquota.adjusted")
                .Select(e => new QuotaFigure(Region(e), Year(e), D(e, "deltaFarmlandOccupationHa"), 0))).ToList();
        var uses = events.Where(e => e["type"]!.GetValue<string>() == "farmland.occupied" && e["data"]!["legal"]!.GetValue<bool>())
            .Select(e => new UseFigure(Region(e), int.Parse(e["effectiveDate"]!.GetValue<string>()[..4]), D(e, "areaHa"), 0));

        var units = LandQuotaUnits.Of(quotas, uses);
        units.ShouldNotBeEmpty();
        units.ShouldAllBe(u => u.HasQuota);
        units.Count(u => u.Overuse > 0).ShouldBeGreaterThan(0);
        events.Count(e => e["type"]!.GetValue<string>() == "landquota.adjusted").ShouldBe(1);
    }

    private static AuditInputs Inputs(LocalDate start) => new(
        new TenureFacts("T", "410102", "县", "O", "某", "party-secretary", start, new LocalDate(2023, 12, 31), null, []),
        new LocalDate(2023, 12, 31), false, Instant.FromUtc(2024, 1, 1, 0, 0), 99, [], [], [], [], [], new LocalDate(2023, 12, 1));

    private static EventRef Ref(int seq, LocalDate date) =>
        new(seq, Guid.NewGuid(), "farmland.occupied", "farmland", $"P{seq}", 2, date, date.AtStartOfDayInZone(DateTimeZone.Utc).ToInstant(), "w");
}
