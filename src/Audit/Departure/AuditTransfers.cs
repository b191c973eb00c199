using Ledger.Events;
using Ledger.Flows;
using Ledger.Regions;
using Ledger.Storage;
using NodaTime;
using Npgsql;

namespace Ledger.Audit.Departure;

/// <summary>
/// What successions add to a tenure's inputs: stock carried across the region's edge (as
/// <c>region-transfer</c> flows, before the tenure into the opening), and the successions that
/// took effect inside the tenure (flagged for the auditor). The evidence of a transfer is its
/// succession, dated when the stock moved, even for a late record's share of it.
/// </summary>
internal static class AuditTransfers
{
    private static readonly string S = LedgerStore.Schema;

    public static async Task<(List<OpeningRow> Opening, List<FlowFact> During)> ReadAsync(Func<string, NpgsqlCommand> command, RegionScope scope,
        string within, LocalDate start, string eventColumns, CancellationToken ct)
    {
        var from = ScopeSql.Within(scope, "x.from_code", "f");
        var to = ScopeSql.Within(scope, "x.to_code", "t");
        await using var cmd = command($"""
            select x.from_code, x.to_code, x.succession_seq, x.account, x.amount, {eventColumns.Replace("x.seq", "x.succession_seq")}
            from {S}.{LineageTables.Transfers} x {within}
            join {S}.{Investigations.EventIndex.Table} i on i.seq = x.succession_seq
            join {S}.mt_events e on e.seq_id = x.succession_seq
            where ({from.Sql} or {to.Sql}) and x.recorded_at <= @known and x.effective_date <= @end
            order by x.seq, x.account, x.from_code, x.to_code
            """);
        from.Bind(cmd);
        to.Bind(cmd);
        var opening = new List<OpeningRow>();
        var during = new List<FlowFact>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var (fromCode, toCode) = (r.GetString(0), r.GetString(1));
            var direction = scope.Direction(fromCode, toCode, r.GetInt64(2));
            if (direction == 0) continue;
            var (account, amount) = (r.GetString(3), Quantities.Normalize(direction * r.GetDecimal(4)));
            var (region, other) = direction > 0 ? (toCode, fromCode) : (fromCode, toCode);
            var succession = AuditReader.ReadEvent(r, 5);
            if (succession.EffectiveDate < start) opening.Add(new OpeningRow(region, account, amount));
            else during.Add(new FlowFact(account, RegionScope.TransferCause, region, EventCatalog.StreamId("region", other), null, amount, succession));
        }
        return (opening, during);
    }

    /// <summary>The successions in the region's lineage, or moving part of it, that took effect inside [start, end].</summary>
    public static IReadOnlyList<long> SuccessionsInside(RegionScope scope, LocalDate start, LocalDate end) =>
        scope.Lineage.AllLinks
            .Where(l => l.EffectiveDate >= start && l.EffectiveDate <= end)
            .Where(l => scope.Holds(l.Successor) || scope.Holds(l.Predecessor) || scope.Parts.Any(p => p.Code == l.Predecessor))
            .Select(l => l.Seq).Distinct().Order().ToList();

    public static async Task<IReadOnlyList<EventRef>> EvidenceAsync(Func<string, NpgsqlCommand> command, IReadOnlyList<long> seqs, CancellationToken ct)
    {
        if (seqs.Count == 0) return [];
        await using var cmd = command($"""
            select i.seq, i.event_id, i.type, i.stream_id, e.version, i.effective_date, i.recorded_at, i.client
            from {S}.{Investigations.EventIndex.Table} i join {S}.mt_events e on e.seq_id = i.seq
            where i.seq = any(@successions) order by i.seq
            """);
        cmd.Parameters.AddWithValue("successions", seqs.ToArray());
        var list = new List<EventRef>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(AuditReader.ReadEvent(r, 0));
        return list;
    }
}
