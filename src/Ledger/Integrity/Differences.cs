using Ledger.Chain;

namespace Ledger.Integrity;

/// <summary>
/// The rows of one derived table that differ from what the events give: counted, and the
/// first kept (in the order the check meets them) so the problem can name it.
/// </summary>
/// <param name="against">What the rows are compared with ("the totals of the flows").</param>
/// <param name="instead">A whole phrase for rows that are not compared but fail, e.g. "cannot be replayed".</param>
internal sealed class Differences(string table, string against, string? instead = null)
{
    private (long Seq, string Row)? _first;

    public string Table => table;
    public long Count { get; private set; }

    /// <param name="seq">The first event the row belongs to, or 0 when there is none.</param>
    /// <param name="count">How many rows differ, when a query counted them and returned the first.</param>
    public void Add(long seq, string row, long count = 1)
    {
        Count += count;
        _first ??= (seq, row);
    }

    public VerifyProblem? Problem => _first is not { } first ? null
        : new VerifyProblem(first.Seq,
            $"{table}: {Count:N0} {(Count == 1 ? "row" : "rows")} {instead ?? $"{(Count == 1 ? "differs" : "differ")} from {against}"}; first: {first.Row}",
            table);
}
