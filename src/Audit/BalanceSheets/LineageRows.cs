using Ledger.Flows;
using Ledger.Regions;
using Ledger.Storage;
using Npgsql;

namespace Ledger.Audit.BalanceSheets;

/// <summary>The stock rows a region's lineage adds to its sheet: split predecessors' streams that came to it, and transfers across its edge.</summary>
internal static class LineageRows
{
    private static readonly string S = LedgerStore.Schema;

    /// <summary>Read from the flow rows (not the totals, which know no streams): splits are rare and their streams few.</summary>
    public static async Task<List<StockRow>> PartStocksAsync(NpgsqlConnection conn, NpgsqlTransaction tx, RegionScope scope, SheetRequest r,
        CancellationToken ct, StockSource? source = null)
    {
        if (scope.Parts.Count == 0) return [];
        var parts = ScopeSql.PartsFilter(scope);
        await using var cmd = new NpgsqlCommand($"""
            select region_code, account, cause, nature,
                   coalesce(sum(amount) filter (where effective_date < @from), 0),
                   coalesce(sum(amount) filter (where effective_date >= @from and amount > 0), 0),
                   coalesce(sum(-amount) filter (where effective_date >= @from and amount < 0), 0)
            from {(source ?? StockSource.Accounts).Rows} f
            where year is null and {parts.Sql} and effective_date <= @to and recorded_at <= @known
            group by 1, 2, 3, 4
            """, conn, tx);
        parts.Bind(cmd);
        BindPeriod(cmd, r);
        var rows = new List<StockRow>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            rows.Add(new StockRow(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetDecimal(4), reader.GetDecimal(5), reader.GetDecimal(6)));
        return rows;
    }

    /// <summary>
    /// Stock carried across the scope's edge by successions, as <c>region-transfer</c> rows on the
    /// side inside, split by sign like any flow (so provenance lists exactly the rows of a figure):
    /// a late record's share that moves the other way shows on the other side.
    /// </summary>
    public static async Task<List<StockRow>> TransfersAsync(NpgsqlConnection conn, NpgsqlTransaction tx, RegionScope scope, SheetRequest r,
        CancellationToken ct)
    {
        var from = ScopeSql.Within(scope, "from_code", "f");
        var to = ScopeSql.Within(scope, "to_code", "t");
        await using var cmd = new NpgsqlCommand($"""
            select from_code, to_code, succession_seq, account,
                   coalesce(sum(amount) filter (where effective_date < @from), 0),
                   coalesce(sum(amount) filter (where effective_date >= @from and amount > 0), 0),
                   coalesce(sum(-amount) filter (where effective_date >= @from and amount < 0), 0)
            from {S}.{LineageTables.Transfers}
            where ({from.Sql} or {to.Sql}) and effective_date <= @to and recorded_at <= @known
            group by 1, 2, 3, 4
            """, conn, tx);
        from.Bind(cmd);
        to.Bind(cmd);
        BindPeriod(cmd, r);
        var rows = new List<StockRow>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var (fromCode, toCode) = (reader.GetString(0), reader.GetString(1));
            var (before, positive, negative) = (reader.GetDecimal(4), reader.GetDecimal(5), reader.GetDecimal(6));
            var direction = scope.Direction(fromCode, toCode, reader.GetInt64(2));
            if (direction > 0)
                rows.Add(new StockRow(toCode, reader.GetString(3), RegionScope.TransferCause, Nature.Other, before, positive, negative));
            else if (direction < 0)
                rows.Add(new StockRow(fromCode, reader.GetString(3), RegionScope.TransferCause, Nature.Other, -before, negative, positive));
        }
        return rows;
    }

    private static void BindPeriod(NpgsqlCommand cmd, SheetRequest r)
    {
        cmd.Parameters.AddWithValue("from", r.From.ToDateOnly());
        cmd.Parameters.AddWithValue("to", r.To.ToDateOnly());
        cmd.Parameters.AddWithValue("known", r.KnownAt.ToDateTimeUtc());
    }
}
