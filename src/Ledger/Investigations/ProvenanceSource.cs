using Ledger.Flows;
using Ledger.Regions;
using Ledger.Storage;
using Npgsql;

namespace Ledger.Investigations;

/// <summary>
/// The rows behind a region's figures, as one relation shaped like the flows table: its flows
/// (the lineage included) and, per moved stream, the stock carried across its edge, signed for
/// the side inside and tied to the event that moved it (the succession, or a late record).
/// </summary>
internal sealed class ProvenanceSource
{
    private readonly ScopeSql within;
    private readonly ScopeSql parts;
    private readonly ScopeSql fromIn;
    private readonly ScopeSql toIn;
    private readonly string[] partCodes;

    private ProvenanceSource(RegionScope scope)
    {
        within = ScopeSql.Within(scope, "region_code");
        parts = ScopeSql.PartsFilter(scope);
        fromIn = ScopeSql.Within(scope, "t.from_code", "f");
        toIn = ScopeSql.Within(scope, "t.to_code", "t");
        partCodes = scope.Parts.Select(p => p.Code).Distinct().ToArray();
    }

    public static ProvenanceSource Of(RegionScope scope) => new(scope);

    /// <param name="withTransfers">False when the figure asked for cannot be a transfer (another cause): the moved streams are not read.</param>
    public string Sql(bool withTransfers)
    {
        var s = LedgerStore.Schema;
        var flows = $"""
            select seq, event_id, stream_id, region_code, cause, nature, effective_date, recorded_at, amount, account, year
            from {s}.{FlowTables.Flows} where {within.Sql} or {parts.Sql}
            """;
        if (!withTransfers) return $"({flows}) f";
        // Per moved stream, the same arithmetic as the transfers table (LineageTables.TransfersOf),
        // so the rows of a region-transfer figure name every stream it moved and sum to it exactly.
        return $"""
            ({flows}
             union all
             select x.seq, i.event_id, x.stream_id, case when x.inward then x.to_code else x.from_code end,
                    '{RegionScope.TransferCause}', '{Nature.Other}', x.effective_date, x.recorded_at,
                    case when x.inward then x.amount else -x.amount end, x.account, null::int
             from (
               select case when f.seq < m.succession_seq then m.succession_seq else f.seq end as seq, f.stream_id, f.account,
                      m.from_code, m.to_code, m.effective_date, {toIn.Sql.Replace("t.to_code", "m.to_code")} as inward,
                      case when f.seq < m.succession_seq then l.recorded_at else max(f.recorded_at) end as recorded_at, sum(f.amount) as amount
               from {s}.{FlowTables.Flows} f
               join {s}.{LineageTables.StreamMoves} m on m.stream_id = f.stream_id and f.effective_date < m.effective_date
               join (select distinct seq, recorded_at from {s}.{LineageTables.Successions}) l on l.seq = m.succession_seq
               where f.year is null and ({toIn.Sql.Replace("t.to_code", "m.to_code")}) <> ({fromIn.Sql.Replace("t.from_code", "m.from_code")})
                 and not (m.from_code = any(@part_codes))
               group by 1, 2, 3, 4, 5, 6, 7, l.recorded_at, (f.seq < m.succession_seq)
               having sum(f.amount) <> 0) x
             join {s}.{EventIndex.Table} i on i.seq = x.seq) f
            """;
    }

    public void Bind(NpgsqlCommand cmd)
    {
        within.Bind(cmd);
        parts.Bind(cmd);
        fromIn.Bind(cmd);
        toIn.Bind(cmd);
        cmd.Parameters.AddWithValue("part_codes", partCodes);
    }
}
