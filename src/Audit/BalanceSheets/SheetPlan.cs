using Ledger.Flows;
using Ledger.Storage;
using NodaTime;
using Npgsql;

namespace Ledger.Audit.BalanceSheets;

/// <summary>
/// How a period splits between the yearly totals and the flow rows: whole calendar years
/// inside [from, to] (and every year before from's) come from the totals; the years of from
/// and to that are not whole are read from the rows (their part before from feeds the opening).
/// </summary>
/// <param name="FromLatest">
/// How the whole years meet knownAt, both exact: either the totals of every recorded quarter less
/// the rows recorded after knownAt (<see cref="TotalsBefore"/> is then beyond any quarter), or the
/// totals of the quarters before knownAt's plus the rows of its quarter recorded by knownAt.
/// </param>
public sealed record SheetPlan(int WholeFrom, int WholeTo, (DateOnly Start, DateOnly End) Edge1, (DateOnly Start, DateOnly End) Edge2,
    DateOnly KnownQuarter, Instant KnownQuarterStart, bool FromLatest)
{
    private static readonly (DateOnly, DateOnly) None = (DateOnly.MaxValue, DateOnly.MinValue);

    /// <summary>The totals' recorded quarters to read: all of them from the latest knowledge, else those before knownAt's.</summary>
    public DateOnly TotalsBefore => FromLatest ? DateOnly.MaxValue : KnownQuarter;

    /// <summary>
    /// The flow rows that correct the totals to knownAt, and the sign they are summed with: those
    /// recorded after it (subtracted), or those of its quarter recorded by it (added).
    /// </summary>
    public (string Where, string Sign) Correction => FromLatest
        ? ("recorded_at > @known", "-")
        : ("recorded_at >= @quarterStart and recorded_at <= @known", "");

    /// <summary>
    /// SQL true of a flow in a part-year edge (<c>@e1s</c>…<c>@e2e</c>), or <c>false</c> for a period of
    /// whole years, which PostgreSQL folds away: an empty date range would still walk the whole
    /// region's part of the (region, date) index, milliseconds on a large province.
    /// </summary>
    public string EdgeSql
    {
        get
        {
            var edges = new List<string>();
            if (Edge1.Start <= Edge1.End) edges.Add("effective_date between @e1s and @e1e");
            if (Edge2.Start <= Edge2.End) edges.Add("effective_date between @e2s and @e2e");
            return edges.Count == 0 ? "false" : $"({string.Join(" or ", edges)})";
        }
    }

    /// <summary>
    /// Reads the newest recording time first: a sheet as known now (the usual question) then reads
    /// the totals alone, where it would otherwise read every row of the current quarter. Whichever
    /// side of knownAt holds less time of recording is read from the rows.
    /// </summary>
    public static async Task<Instant?> LatestRecordedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"select max(recorded_at) from {LedgerStore.Schema}.{FlowTables.Flows}", conn, tx);
        return await cmd.ExecuteScalarAsync(ct) is DateTime t ? Instant.FromDateTimeUtc(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null;
    }

    public static SheetPlan For(SheetRequest r, Instant? latestRecorded)
    {
        int y1 = r.From.Year, y2 = r.To.Year;
        var firstWhole = r.From == new LocalDate(y1, 1, 1);
        var lastWhole = r.To == new LocalDate(y2, 12, 31);
        var edge1 = firstWhole ? None : (new DateOnly(y1, 1, 1), Min(r.To, new LocalDate(y1, 12, 31)));
        var edge2 = lastWhole || (y2 == y1 && !firstWhole) ? None : (new DateOnly(y2, 1, 1), r.To.ToDateOnly());
        var quarter = LocalDate.FromDateOnly(FlowWriter.RecordedQuarter(r.KnownAt));
        var quarterStart = quarter.AtMidnight().InUtc().ToInstant();
        var fromLatest = latestRecorded is not { } latest || latest <= r.KnownAt || latest - r.KnownAt < r.KnownAt - quarterStart;
        return new SheetPlan(firstWhole ? y1 : y1 + 1, lastWhole ? y2 : y2 - 1, edge1, edge2, quarter.ToDateOnly(), quarterStart, fromLatest);
    }

    private static DateOnly Min(LocalDate a, LocalDate b) => (a < b ? a : b).ToDateOnly();
}
