using Ledger.LandUse;

namespace Ledger.Flows;

/// <summary>
/// The land-use account (contract 1.8) read from the flow rows. A change of class is stored once,
/// as the reduction of the class it left (<c>land_class</c>, naming <c>other_class</c>); the
/// addition to the other class is derived here, in C# for ingest and in SQL for reads and checks.
/// Farmland's side is the farmland account's own rows, labelled with the parcel's class, so
/// farmland events write no extra rows (decision 54).
/// </summary>
public static class LandUseFlows
{
    /// <summary>
    /// <c>other_class</c> of a restored farmland registration whose land came by a reclassification
    /// in the same batch: that reclassification's row already adds the land to farmland's class.
    /// </summary>
    public const string Paired = "=";

    public static string ReclassificationCause(LandReclassified r) =>
        $"reclassification-{r.Cause}{(r.Legal ? "" : "-illegal")}";

    /// <summary>One class's change: <paramref name="Other"/> is where the land went (a reduction) or came from (an addition), null for none.</summary>
    public sealed record Change(string Class, string? Other, string Cause, string Nature, decimal Amount);

    /// <summary>The land-use changes of one event's flows: its labelled rows and the additions they imply.</summary>
    public static IEnumerable<Change> Of(IEnumerable<Flow> flows)
    {
        foreach (var f in flows)
        {
            if (f.LandClass is null || f.OtherClass == Paired) continue;
            yield return new Change(f.LandClass, f.OtherClass, f.Cause, f.Nature, f.Amount);
            if (Mirrored(f.OtherClass, f.Amount)) yield return new Change(f.OtherClass!, f.LandClass, f.Cause, f.Nature, -f.Amount);
        }
    }

    private static bool Mirrored(string? other, decimal amount) => other is not null && other != Paired && amount < 0;

    /// <summary>
    /// The same as <see cref="Of"/>, as SQL over a flow relation: every column of the relation's
    /// rows that the reads need, with <c>land_class</c>/<c>other_class</c> swapped and the amount
    /// negated on the derived additions. One pass over the relation makes both rows of a change
    /// (a union of two scans read the rows twice: a sheet known at an instant inside the current
    /// quarter reads that quarter's rows, millions on a large ledger).
    /// </summary>
    public static string Rows(string relation) => $"""
        select f.seq, f.event_id, f.stream_id, f.region_code, f.effective_date, f.recorded_at, f.cause, f.nature,
               v.land_class, v.other_class, v.amount
        from {relation} f
        cross join lateral (values (false, f.land_class, f.other_class, f.amount), (true, f.other_class, f.land_class, -f.amount))
          as v(mirrored, land_class, other_class, amount)
        where f.land_class is not null and f.other_class is distinct from '{Paired}'
          and (not v.mirrored or (f.other_class is not null and f.amount < 0))
        """;

    /// <summary>The account a class's land is carried across a region's edge under: <c>landUse:0301</c>.</summary>
    public static string TransferAccount(string landClass) => $"{Accounts.LandUse}:{landClass}";

    /// <summary>
    /// The stock amounts a stream carries when it moves to another region: every stock account's
    /// flows but the stored landUse rows, and each class's land-use changes under its own account.
    /// </summary>
    public static IEnumerable<(string Account, decimal Amount)> Stock(IEnumerable<Flow> flows)
    {
        var list = flows.Where(f => f.Year is null).ToList();
        return list.Where(f => f.Account != Accounts.LandUse).Select(f => (f.Account, f.Amount))
            .Concat(Of(list).Select(c => (TransferAccount(c.Class), c.Amount)));
    }

    /// <summary><see cref="Stock"/> as SQL over a flow relation: seq, account, stream_id, effective_date, recorded_at, amount.</summary>
    public static string StockRows(string relation) => $"""
        select seq, account, stream_id, effective_date, recorded_at, amount from {relation} where year is null and account <> '{Accounts.LandUse}'
        union all
        select seq, '{Accounts.LandUse}:' || land_class, stream_id, effective_date, recorded_at, amount from ({Rows(relation)}) u
        """;

    /// <summary>The 一级类 of a class, as SQL over a class column: the table's own grouping (0303 is 湿地).</summary>
    public static string GroupSql(string column) =>
        "case " + string.Join(" ", LandClasses.All.Where(c => c.Group != c.Code[..2]).Select(c => $"when {column} = '{c.Code}' then '{c.Group}'")) +
        $" else left({column}, 2) end";
}
