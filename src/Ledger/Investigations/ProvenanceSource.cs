using Ledger.Flows;
using Ledger.Regions;
using Ledger.Storage;
using Npgsql;

namespace Ledger.Investigations;

/// <summary>
/// The rows behind a region's figures, as one relation shaped like the flows table: its flows
/// (the lineage included) and the transfers across its edge, each transfer signed for the side
/// inside and tied to the event that moved the stock (the succession, or a late record).
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

    public string Sql
    {
        get
        {
            var s = LedgerStore.Schema;
            return $"""
                (select seq, event_id, stream_id, region_code, cause, nature, effective_date, recorded_at, amount, account, year
                 from {s}.{FlowTables.Flows} where {within.Sql} or {parts.Sql}
                 union all
                 select t.seq, i.event_id, 'region:' || case when {toIn.Sql} then t.from_code else t.to_code end,
                        case when {toIn.Sql} then t.to_code else t.from_code end, '{RegionScope.TransferCause}', '{Nature.Other}',
                        t.effective_date, t.recorded_at, case when {toIn.Sql} then t.amount else -t.amount end, t.account, null::int
                 from {s}.{LineageTables.Transfers} t join {s}.{EventIndex.Table} i on i.seq = t.seq
                 where ({toIn.Sql}) <> ({fromIn.Sql}) and not (t.from_code = any(@part_codes))) f
                """;
        }
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
