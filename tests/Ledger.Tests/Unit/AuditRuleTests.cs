using Ledger.Audit.Departure;
using NodaTime;
using Shouldly;

namespace Ledger.Tests.Unit;

public sealed class AuditRuleTests
{
    private static readonly string National = File.ReadAllText(Path.Combine(Support.Repo.Root, "src/Audit/Departure/RuleSets/national-2026.1.json"));

    [Fact]
    public void the_shipped_rule_sets_hold_together()
    {
        RuleSets.All.Keys.ShouldBe(["county-last3@2026.1", "national@2026.1", "national@2026.2", "national@2026.3", "national@2026.4"], ignoreOrder: true);
        RuleSets.Find(RuleSets.Default).ShouldNotBeNull();
        foreach (var set in RuleSets.All.Values) RuleSets.Validate(set).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("\"urbanised\": { \"min\": 25, \"max\": 35, \"default\": 30 }", "\"urbanised\": { \"min\": 25, \"max\": 35, \"default\": 31 }",
        "the modules' default points for zone urbanised add up to 101, not 100")]
    [InlineData("\"key-ecological\": { \"min\": 30, \"max\": 40, \"default\": 35 }", "\"key-ecological\": { \"min\": 36, \"max\": 40, \"default\": 35 }",
        "module redLine in zone key-ecological: the bracket must hold 0 ≤ min ≤ default ≤ max")]
    [InlineData("\"measure\": \"water.overuse\"", "\"measure\": \"water.wasted\"", "rule W1: unknown measure water.wasted")]
    [InlineData("\"severity\": \"info\", \"threshold\": null,\n      \"points\": 0,", "\"severity\": \"info\", \"threshold\": null,\n      \"points\": 2,", "flag B1 deducts points")]
    [InlineData("\"id\": \"F2\"", "\"id\": \"F1\"", "rule id F1 is used twice")]
    [InlineData("\"defaultZone\": \"agricultural\"", "\"defaultZone\": \"desert\"", "defaultZone desert is not among the zones")]
    public void a_rule_set_that_does_not_hold_together_is_refused_with_the_reason(string from, string to, string reason)
    {
        National.ShouldContain(from);
        Should.Throw<InvalidDataException>(() => RuleSets.Parse(National.Replace(from, to))).Message.ShouldContain(reason);
    }

    [Fact]
    public void an_unknown_field_in_a_rule_set_is_refused() =>
        Should.Throw<System.Text.Json.JsonException>(() => RuleSets.Parse(National.Replace("\"window\": null,", "\"window\": null, \"weights\": 1,")));

    [Fact]
    public void a_county_rule_set_scores_only_the_last_three_years_of_a_longer_tenure()
    {
        var county = RuleSets.Find("county-last3@2026.1")!;
        ReportBuilder.ScoringWindow(county, new LocalDate(2016, 3, 1), new LocalDate(2020, 12, 31)).ShouldBe((new LocalDate(2018, 1, 1), new LocalDate(2020, 12, 31)));
        ReportBuilder.ScoringWindow(county, new LocalDate(2019, 3, 1), new LocalDate(2020, 12, 31)).ShouldBe((new LocalDate(2019, 3, 1), new LocalDate(2020, 12, 31)));
        ReportBuilder.ScoringWindow(RuleSets.Find(RuleSets.Default)!, new LocalDate(2016, 3, 1), new LocalDate(2020, 12, 31)).From.ShouldBe(new LocalDate(2016, 3, 1));
    }

    [Fact]
    public void deductions_stop_at_each_rules_cap_and_a_module_never_goes_below_zero()
    {
        // 20 illegal occupations of 1 ha each, nothing supplemented, 20 ha below a 100 ha target.
        var start = new LocalDate(2021, 1, 1);
        var flows = Enumerable.Range(1, 20).Select(i => new FlowFact("farmland", "occupation-construction-illegal", "410102", $"farmland:P{i}", null, -1m,
            Ref(i, start.PlusDays(i)))).ToList();
        var inputs = new AuditInputs(
            new TenureFacts("T", "410102", "县", "O", "某", "party-secretary", start, new LocalDate(2023, 12, 31), null, []),
            new LocalDate(2023, 12, 31), false, Instant.FromUtc(2024, 1, 1, 0, 0), 99,
            [new OpeningRow("410102", "farmland", 100m)], flows, [],
            [new TargetFact("410102", 100m, 0m, Ref(100, new LocalDate(2020, 1, 1)))], [], new LocalDate(2023, 12, 1));
        var report = ReportBuilder.Build(inputs, RuleSets.Find(RuleSets.Default)!, new ReportBuilder.Issue(Guid.Empty, inputs.KnownAt, "t", "agricultural"));

        var deductions = report.Findings.ToDictionary(f => f.RuleId, f => f.Deduction);
        // F1: 10 + 0.5 × 20 = 20 (cap 20); F3: 3 × 20 = 60 → cap 15; F4: 5 + 0.5 × 20 = 15 → cap 10; F5: 0.2 × 20 = 4.
        deductions.ShouldBe(new Dictionary<string, decimal> { ["F1"] = 20m, ["F3"] = 15m, ["F4"] = 10m, ["F5"] = 4m });
        var farmland = report.Modules.Single(m => m.Id == "farmland");
        (farmland.Deducted, farmland.Score).ShouldBe((49m, 0m));
        report.Score.ShouldBe(65m);
        report.Grade.ShouldBe("较差");
        report.Findings.Single(f => f.RuleId == "F3").Evidence.Select(e => e.Sequence).ShouldBe(Enumerable.Range(1, 20).Select(i => (long)i));

        // Weights chosen within the agricultural brackets move points away from the exhausted module.
        var weighted = ReportBuilder.Build(inputs, RuleSets.Find(RuleSets.Default)!,
            new ReportBuilder.Issue(Guid.Empty, inputs.KnownAt, "t", "agricultural", new Dictionary<string, decimal> { ["farmland"] = 30m, ["water"] = 30m }));
        weighted.Modules.Select(m => (m.Id, m.MaxPoints, m.Score)).ShouldBe([("farmland", 30m, 0m), ("water", 30m, 30m), ("redLine", 20m, 20m), ("mining", 20m, 20m)]);
        (weighted.Score, weighted.Grade).ShouldBe((70m, "一般"));
    }

    [Theory]
    [InlineData("agricultural", "farmland", 45, "weights.farmland", "must be from 30 to 40 in zone agricultural")]
    [InlineData("key-ecological", "redLine", 25, "weights.redLine", "must be from 30 to 40 in zone key-ecological")]
    [InlineData("agricultural", "forests", 10, "weights.forests", "is not a module of national@2026.3")]
    [InlineData("agricultural", "farmland", 40, "weights", "add up to 105, not 100")]
    public void chosen_weights_stay_within_the_zone_brackets_and_add_up_to_100(string zone, string module, int points, string field, string message)
    {
        var (_, errors) = RuleSets.Find(RuleSets.Default)!.Weights(zone, new Dictionary<string, decimal> { [module] = points });
        errors.ShouldHaveSingleItem().Field.ShouldBe(field);
        errors[0].Message.ShouldContain(message);
    }

    private static EventRef Ref(int seq, LocalDate date) =>
        new(seq, Guid.NewGuid(), "farmland.occupied", "farmland", $"P{seq}", 2, date, date.AtStartOfDayInZone(DateTimeZone.Utc).ToInstant(), "w");
}
