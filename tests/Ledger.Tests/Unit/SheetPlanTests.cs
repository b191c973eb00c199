using Ledger.Audit.BalanceSheets;
using NodaTime;
using Shouldly;

namespace Ledger.Tests.Unit;

public sealed class SheetPlanTests
{
    private static readonly Instant KnownAt = Instant.FromUtc(2026, 3, 1, 8, 0); // two months into its quarter

    private static SheetPlan Plan(Instant? latest) =>
        SheetPlan.For(new SheetRequest("410102", new LocalDate(2024, 1, 1), new LocalDate(2024, 12, 31), KnownAt), latest);

    [Fact]
    public void a_sheet_known_after_the_newest_record_reads_every_quarters_totals_and_no_rows()
    {
        foreach (var latest in new Instant?[] { null, KnownAt, KnownAt - Duration.FromDays(400) })
        {
            var plan = Plan(latest);
            plan.FromLatest.ShouldBeTrue();
            plan.TotalsBefore.ShouldBe(DateOnly.MaxValue);
            plan.Correction.ShouldBe(("recorded_at > @known", "-"));
        }
    }

    [Fact]
    public void the_rows_are_read_on_whichever_side_of_knownAt_holds_less_recording_time()
    {
        Plan(KnownAt + Duration.FromDays(58)).FromLatest.ShouldBeTrue("58 days after knownAt against 59 days of its quarter before it");
        var old = Plan(KnownAt + Duration.FromDays(60));
        old.FromLatest.ShouldBeFalse();
        old.TotalsBefore.ShouldBe(new DateOnly(2026, 1, 1));
        old.Correction.ShouldBe(("recorded_at >= @quarterStart and recorded_at <= @known", ""));
    }

    [Fact]
    public void a_period_of_whole_years_reads_no_edge_rows_and_a_part_year_reads_its_own()
    {
        Plan(null).EdgeSql.ShouldBe("false");
        SheetPlan.For(new SheetRequest("410102", new LocalDate(2024, 3, 1), new LocalDate(2025, 6, 30), KnownAt), null).EdgeSql
            .ShouldBe("(effective_date between @e1s and @e1e or effective_date between @e2s and @e2e)");
        SheetPlan.For(new SheetRequest("410102", new LocalDate(2024, 1, 1), new LocalDate(2025, 6, 30), KnownAt), null).EdgeSql
            .ShouldBe("(effective_date between @e2s and @e2e)");
    }
}
