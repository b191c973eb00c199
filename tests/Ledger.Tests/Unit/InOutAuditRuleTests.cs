using Ledger.Audit.Departure;
using NodaTime;
using Shouldly;

namespace Ledger.Tests.Unit;

/// <summary>The in-out measures on hand-made inputs: per county-year, never netted, part-years, and no effect on earlier rule sets.</summary>
public sealed class InOutAuditRuleTests
{
    private static readonly LocalDate Start = new(2022, 1, 1), End = new(2023, 12, 31);

    [Fact]
    public void deficits_are_summed_per_county_and_year_and_never_netted_against_another_surplus()
    {
        FarmlandChange[] changes =
        [
            Out(1, "410102", 2m, "0201", "2022-03-01"), Out(2, "410102", 1m, "0301", "2022-09-01"), In(3, "410102", 1m, "0301", "2022-10-01"),
            Out(4, "410103", 1m, "1202", "2022-04-01"), In(5, "410103", 4m, "0201", "2022-05-01"),
            In(6, "410102", 5m, "0307K", "2023-02-01"),
            // Farmland to construction land and wetland is no part of the balance.
            Out(7, "410102", 9m, "0601", "2022-06-01"), Out(8, "410102", 9m, "0303", "2022-06-02"),
        ];
        var m = InOutMeasures.Compute(InOutMeasures.Deficit, Inputs(changes), Start, End);

        // 410102 2022: 3 out, 1 in → 2. 410103 2022: 1 out, 4 in → 0. 410102 2023: 0 out, 5 in → 0.
        (m.Value, m.Count).ShouldBe((2m, 1));
        m.Values["years"].ShouldBe("410102 2022: 3 > 1");
        m.Values["surplus"].ShouldBe("410102 2023: 5；410103 2022: 3");
        // The restoration is cited by both its events (sequence + 100 is the paired registration).
        m.Evidence.Select(e => e.Sequence).ShouldBe([1L, 2, 3, 103]);
    }

    [Fact]
    public void a_window_that_starts_mid_year_counts_only_that_part_of_the_year()
    {
        FarmlandChange[] changes =
        [
            Out(1, "410102", 2m, "0201", "2022-03-01"), Out(2, "410102", 3m, "0301", "2022-09-01"), In(3, "410102", 1m, "0301", "2022-10-01"),
        ];
        InOutMeasures.Compute(InOutMeasures.Deficit, Inputs(changes), Start, End).Value.ShouldBe(4m);
        var part = InOutMeasures.Compute(InOutMeasures.Deficit, Inputs(changes), new LocalDate(2022, 7, 1), End);
        part.Value.ShouldBe(2m);
        part.Evidence.Select(e => e.Sequence).ShouldBe([2L, 3, 103]);
    }

    [Fact]
    public void non_grain_uses_are_listed_by_destination_class_and_construction_is_left_out()
    {
        FarmlandChange[] changes =
        [
            Out(1, "410102", 2m, "0201", "2022-03-01"), Out(2, "410102", 1.25m, "0201K", "2022-09-01"), Out(3, "410103", 0.5m, "1104", "2023-01-05"),
            Out(4, "410102", 7m, "0601", "2022-06-01"), In(5, "410102", 1m, "0301", "2022-10-01"),
        ];
        var m = InOutMeasures.Compute(InOutMeasures.ToNonGrain, Inputs(changes), Start, End);
        (m.Value, m.Count).ShouldBe((3.75m, 3));
        m.Values["classes"].ShouldBe("0201 果园 2 ha；0201K 可调整果园 1.25 ha；1104 坑塘水面 0.5 ha");
        (m.Values["to.0201"], m.Values["to.0201K"], m.Values["to.1104"]).ShouldBe(("2", "1.25", "0.5"));
        m.Values.ContainsKey("to.0601").ShouldBeFalse();
        m.Evidence.Select(e => e.Sequence).ShouldBe([1L, 2, 3]);
    }

    [Fact]
    public void earlier_rule_sets_give_the_same_bytes_whatever_the_farmland_changes()
    {
        FarmlandChange[] changes = [Out(1, "410102", 3m, "0201", "2022-03-01"), In(2, "410102", 1m, "0301", "2023-10-01")];
        var without = Inputs([]);
        var with = without with { FarmlandChanges = changes };
        foreach (var rules in RuleSets.All.Values)
        {
            var (a, b) = (Json(without, rules), Json(with, rules));
            if (rules.Key == "national@2026.4") a.ShouldNotBe(b);
            else a.ShouldBe(b, rules.Key);
        }
        // 2026.4 deducts 2 × 1 county-year + 0.5 × 3 ha for 2022; 2023's surplus of 1 does not offset it.
        var report = ReportBuilder.Build(with, RuleSets.Find("national@2026.4")!, Issue(with));
        report.Findings.Single(f => f.RuleId == "F9").Deduction.ShouldBe(3.5m);
        report.Score.ShouldBe(96.5m);
    }

    private static string Json(AuditInputs inputs, RuleSet rules) => ReportJson.Serialize(ReportBuilder.Build(inputs, rules, Issue(inputs)));

    private static ReportBuilder.Issue Issue(AuditInputs inputs) => new(Guid.Empty, inputs.KnownAt, "t", "agricultural");

    private static AuditInputs Inputs(IReadOnlyList<FarmlandChange> changes) => new(
        new TenureFacts("T", "410102", "县", "O", "某", "party-secretary", Start, End, null, []),
        End, false, Instant.FromUtc(2024, 1, 10, 0, 0), 99, [new OpeningRow("410102", "farmland", 100m)], [], [], [], [], End.PlusDays(-30))
    {
        FarmlandChanges = changes,
    };

    private static FarmlandChange Out(long seq, string region, decimal area, string toClass, string date) =>
        new(region, "0101", toClass, area, Ref(seq, "farmland.converted", "farmland", date), null);

    private static FarmlandChange In(long seq, string region, decimal area, string fromClass, string date) =>
        new(region, fromClass, "0103", area, Ref(seq, "landuse.reclassified", "landuse", date), Ref(seq + 100, "farmland.parcel-registered", "farmland", date));

    private static EventRef Ref(long seq, string type, string domain, string date)
    {
        var day = NodaTime.Text.LocalDatePattern.Iso.Parse(date).Value;
        return new EventRef(seq, Guid.NewGuid(), type, domain, $"P{seq}", 2, day, day.AtStartOfDayInZone(DateTimeZone.Utc).ToInstant(), "w");
    }
}
