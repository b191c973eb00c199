using NodaTime;

namespace Ledger.Audit.BalanceSheets;

/// <summary>
/// How a period splits between the yearly totals and the flow rows: whole calendar years
/// inside [from, to] (and every year before from's) come from the totals; the years of from
/// and to that are not whole are read from the rows (their part before from feeds the opening).
/// </summary>
public sealed record SheetPlan(int WholeFrom, int WholeTo, (DateOnly Start, DateOnly End) Edge1, (DateOnly Start, DateOnly End) Edge2,
    DateOnly KnownQuarter, Instant KnownQuarterStart)
{
    private static readonly (DateOnly, DateOnly) None = (DateOnly.MaxValue, DateOnly.MinValue);

    public static SheetPlan For(SheetRequest r)
    {
        int y1 = r.From.Year, y2 = r.To.Year;
        var firstWhole = r.From == new LocalDate(y1, 1, 1);
        var lastWhole = r.To == new LocalDate(y2, 12, 31);
        var edge1 = firstWhole ? None : (new DateOnly(y1, 1, 1), Min(r.To, new LocalDate(y1, 12, 31)));
        var edge2 = lastWhole || (y2 == y1 && !firstWhole) ? None : (new DateOnly(y2, 1, 1), r.To.ToDateOnly());
        var quarter = LocalDate.FromDateOnly(Ledger.Flows.FlowWriter.RecordedQuarter(r.KnownAt));
        return new SheetPlan(firstWhole ? y1 : y1 + 1, lastWhole ? y2 : y2 - 1, edge1, edge2,
            quarter.ToDateOnly(), quarter.AtMidnight().InUtc().ToInstant());
    }

    private static DateOnly Min(LocalDate a, LocalDate b) => (a < b ? a : b).ToDateOnly();
}
