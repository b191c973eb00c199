using Ledger.Storage;
using Npgsql;

namespace Ledger.Regions;

/// <summary>A region scope as a SQL condition with its parameters: <c>(region_code between @r_l0 and @r_h0 or …)</c>.</summary>
public sealed class ScopeSql
{
    private readonly List<(string Name, object Value)> parameters = [];

    public string Sql { get; private init; } = "false";

    /// <summary>The flows counted whole: under any of the scope's codes.</summary>
    public static ScopeSql Within(RegionScope scope, string column, string prefix = "r")
    {
        var ranges = scope.Ranges.ToList();
        var sql = new ScopeSql { Sql = "(" + string.Join(" or ", ranges.Select((_, i) => $"{column} between @{prefix}_l{i} and @{prefix}_h{i}")) + ")" };
        for (var i = 0; i < ranges.Count; i++)
        {
            sql.parameters.Add(($"{prefix}_l{i}", ranges[i].Low));
            sql.parameters.Add(($"{prefix}_h{i}", ranges[i].High));
        }
        return sql;
    }

    /// <summary>The flows of split predecessors counted for the streams that came here only (<c>false</c> when there are none).</summary>
    /// <param name="alias">The flow table's alias with its dot (<c>x.</c>), where the query joins tables with the same columns.</param>
    public static ScopeSql PartsFilter(RegionScope scope, string prefix = "p", string alias = "")
    {
        if (scope.Parts.Count == 0) return new ScopeSql();
        var sql = new ScopeSql
        {
            Sql = "(" + string.Join(" or ", scope.Parts.Select((_, i) =>
                $"({alias}region_code = @{prefix}_c{i} and {alias}stream_id in (select stream_id from {LedgerStore.Schema}.{LineageTables.StreamMoves} " +
                $"where succession_seq = @{prefix}_s{i} and to_code = @{prefix}_t{i}))")) + ")",
        };
        for (var i = 0; i < scope.Parts.Count; i++)
        {
            sql.parameters.Add(($"{prefix}_c{i}", scope.Parts[i].Code));
            sql.parameters.Add(($"{prefix}_s{i}", scope.Parts[i].Seq));
            sql.parameters.Add(($"{prefix}_t{i}", scope.Parts[i].To));
        }
        return sql;
    }

    public void Bind(NpgsqlCommand cmd)
    {
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
    }
}
