namespace Ledger.Api.Hosting;

/// <summary>
/// A list over several databases (the nation's, with shards: contract 1.2) is read database by
/// database in <see cref="Topology.All"/> order (the catalogue, then the shards as the file lists
/// them), each in its own sequence order. The cursor stays one whole number, so <c>after</c> and
/// <c>next</c> keep their type: the database's place in that order above bit 48, its sequence
/// below. Over one database (any province, or no shards) the cursor is the sequence, as before.
/// </summary>
public static class NationalPages
{
    private const int SequenceBits = 48;
    private const long SequenceMask = (1L << SequenceBits) - 1;

    /// <summary>The largest cursor: 32 databases (31 provinces and the catalogue) and a number a JSON double holds exactly.</summary>
    public const long MaxCursor = (1L << 53) - 1;

    public static long Cursor(int database, long sequence) => ((long)database << SequenceBits) | sequence;

    public static int DatabaseOf(long cursor) => (int)(cursor >> SequenceBits);

    /// <summary>A database's own <c>after</c> for a cursor: past everything in the databases before it, its sequence in its own, nothing in those after.</summary>
    public static long AfterIn(long cursor, int database) =>
        database < DatabaseOf(cursor) ? long.MaxValue : database == DatabaseOf(cursor) ? cursor & SequenceMask : 0;

    /// <summary>
    /// The first <paramref name="limit"/> rows of the databases' pages in database order, each with
    /// its database's place; <c>next</c> is the last row's cursor when the page is full.
    /// </summary>
    public static (List<(int Database, T Row)> Rows, long? Next) Join<T>(IReadOnlyList<IReadOnlyList<T>> pages, int limit, Func<T, long> sequence)
    {
        var rows = pages.SelectMany((page, d) => page.Select(row => (d, row))).Take(limit).ToList();
        return (rows, rows.Count == limit ? Cursor(rows[^1].d, sequence(rows[^1].row)) : null);
    }
}
