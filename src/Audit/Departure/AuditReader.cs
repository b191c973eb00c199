using Ledger.Audit.BalanceSheets;
using Ledger.Chain;
using Ledger.Events;
using Ledger.Flows;
using Ledger.Investigations;
using Ledger.Regions;
using Ledger.Storage;
using Ledger.Streams;
using Ledger.Tenures;
using Marten;
using NodaTime;
using Npgsql;

namespace Ledger.Audit.Departure;

/// <summary>
/// Loads a tenure's audit inputs in one snapshot. Every read is bounded twice: recorded at or
/// before knownAt, and at or below a chain position (the high-water mark). The chain is written in
/// commit order under a global lock, so an event committed after the report can never fall
/// inside its high-water mark, even if its recorded instant is earlier: regenerating a report
/// with its stored knownAt and high-water mark reads exactly the same events.
/// </summary>
public sealed class AuditReader(NpgsqlDataSource db, IDocumentStore store)
{
    private static readonly string S = LedgerStore.Schema;
    public static readonly DateTimeZone LedgerZone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    /// <summary>The tenure as known at an instant and a high-water mark, or null when it was not recorded by then.</summary>
    public async Task<TenureFacts?> TenureAsync(string tenureId, Instant knownAt, long highWater, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var history = await StreamHistory.LoadAsync(session, "tenure", tenureId, ct);
        if (history.Count == 0) return null;
        var visible = await WithinHighWaterAsync(history.Select(h => h.Sequence).ToArray(), highWater, ct);
        var known = history.Where(h => h.RecordedAt <= knownAt && visible.Contains(h.Sequence)).ToList();
        if (StreamHistory.Replay("tenure", tenureId, known, null, null) is not TenureState t) return null;
        // The region the tenure ends in: a county that became a district during it is audited as the district.
        // knownAt may be the end of time (reading "everything recorded"): then the tenure's code today.
        var end = t.EndedOn ?? (knownAt < Instant.FromUtc(9999, 1, 1, 0, 0) ? knownAt.InZone(LedgerZone).Date : LocalDate.MaxIsoValue);
        var regionCode = await CodeAtAsync(t.RegionCode, tenureId, end, knownAt, highWater, ct);
        var region = await session.LoadAsync<RegionState>(EventCatalog.StreamId("region", regionCode), ct);
        var refs = known.Select(h => new EventRef(h.Sequence, h.EventId, h.Type, "tenure", tenureId, h.Version, h.EffectiveDate, h.RecordedAt,
            h.Client ?? "")).ToList();
        return new TenureFacts(tenureId, regionCode, region?.Name ?? regionCode, t.OfficialId, t.OfficialName, t.Post, t.OpenedOn,
            t.EndedOn, t.EndReason, refs);
    }

    /// <summary>The region of a tenure as recorded now (its code today, through any succession), or null when there is no such tenure.</summary>
    public async Task<string?> TenureRegionAsync(string tenureId, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        if (await session.LoadAsync<Tenures.TenureState>(EventCatalog.StreamId("tenure", tenureId), ct) is not { } t) return null;
        var now = SystemClock.Instance.GetCurrentInstant();
        return await CodeAtAsync(t.RegionCode, tenureId, LocalDate.MaxIsoValue, now, null, ct);
    }

    private async Task<string> CodeAtAsync(string code, string tenureId, LocalDate date, Instant knownAt, long? highWater, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var lineage = await LineageReader.LoadAsync(conn, null, knownAt, [], ct, highWater);
        return lineage.CodeAt(code, EventCatalog.StreamId("tenure", tenureId), date);
    }

    /// <summary>The chain position of the newest committed event: the high-water mark a new report freezes.</summary>
    public async Task<long> HighWaterAsync(CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand($"select coalesce(max(position), 0) from {S}.{ChainTables.Links}", conn);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private async Task<HashSet<long>> WithinHighWaterAsync(long[] seqs, long highWater, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand($"select seq from {S}.{ChainTables.Links} where seq = any(@seqs) and position <= @hw", conn);
        cmd.Parameters.AddWithValue("seqs", seqs);
        cmd.Parameters.AddWithValue("hw", highWater);
        var set = new HashSet<long>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) set.Add(r.GetInt64(0));
        return set;
    }

    public async Task<AuditInputs> InputsAsync(TenureFacts tenure, LocalDate end, bool interim, Instant knownAt, long highWater,
        int backDatingDays, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        // The tenure's region as it is at the tenure's end, with its territory then: a tenure in a
        // successor covers its predecessors' history, one in a region later succeeded stays as it was.
        var lineage = await LineageReader.LoadAsync(conn, tx, knownAt, [], ct, highWater);
        var scope = RegionScope.Of(tenure.RegionCode, lineage, end);
        var codes = ScopeSql.Within(scope, "x.region_code");
        var parts = ScopeSql.PartsFilter(scope, alias: "x.");
        var inScope = $"({codes.Sql} or {parts.Sql})";
        var lateFrom = end.PlusDays(-backDatingDays);

        NpgsqlCommand Command(string sql)
        {
            var cmd = new NpgsqlCommand(sql, conn, tx);
            codes.Bind(cmd);
            parts.Bind(cmd);
            cmd.Parameters.AddWithValue("start", tenure.Start.ToDateOnly());
            cmd.Parameters.AddWithValue("end", end.ToDateOnly());
            cmd.Parameters.AddWithValue("known", knownAt.ToDateTimeUtc());
            cmd.Parameters.AddWithValue("hw", highWater);
            cmd.Parameters.AddWithValue("y1", tenure.Start.Year);
            cmd.Parameters.AddWithValue("y2", end.Year);
            cmd.Parameters.AddWithValue("lateFrom", lateFrom.ToDateOnly());
            cmd.Parameters.AddWithValue("corrections", EventSearch.CorrectionTypes);
            return cmd;
        }

        // Flows, targets and index rows all carry the event's sequence; the chain gives its commit position.
        var within = $"join {S}.{ChainTables.Links} c on c.seq = x.seq and c.position <= @hw";
        var evidence = $"""
            join {S}.{EventIndex.Table} i on i.seq = x.seq
            join {S}.mt_events e on e.seq_id = x.seq
            """;
        const string eventColumns = "x.seq, i.event_id, i.type, i.stream_id, e.version, i.effective_date, i.recorded_at, i.client";

        var opening = new List<OpeningRow>();
        await using (var cmd = Command($"""
            select x.region_code, x.account, sum(x.amount) from {S}.{FlowTables.Flows} x {within}
            where {inScope} and x.year is null and x.effective_date < @start and x.recorded_at <= @known
            group by x.region_code, x.account
            order by 1, 2
            """))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) opening.Add(new OpeningRow(r.GetString(0), r.GetString(1), Quantities.Normalize(r.GetDecimal(2))));

        var flows = await FlowsAsync(Command($"""
            select x.account, x.cause, x.region_code, x.stream_id, x.year, x.amount, {eventColumns}
            from {S}.{FlowTables.Flows} x {within} {evidence}
            where {inScope} and x.year is null and x.recorded_at <= @known
              and (x.effective_date between @start and @end or (x.account = '{Accounts.RedLineEncroachedOpen}' and x.effective_date < @start))
            order by x.seq, x.account
            """), ct);
        var water = await FlowsAsync(Command($"""
            select x.account, x.cause, x.region_code, x.stream_id, x.year, x.amount, {eventColumns}
            from {S}.{FlowTables.Flows} x {within} {evidence}
            where {inScope} and x.year between @y1 and @y2 and x.recorded_at <= @known
              and x.account in ('{Accounts.WaterQuota}', '{Accounts.WaterUse}')
            order by x.seq, x.account
            """), ct);
        var landQuotas = Command(LandQuotaFacts.QuotaSql(S, within, evidence, eventColumns, inScope));
        landQuotas.Parameters.AddWithValue("above", LandQuotaFacts.Above(tenure.RegionCode));
        var landQuota = new LandQuotaFacts(await FlowsAsync(landQuotas, ct),
            await FlowsAsync(Command(LandQuotaFacts.OccupationSql(S, within, evidence, eventColumns, inScope)), ct),
            [.. scope.Codes, .. scope.Parts.Select(p => p.Code)]);

        var overlaps = await OverlapFacts.ReadAsync(OverlapCommand(), ct);
        var farmlandChanges = await FarmlandChanges.ReadAsync(Command(FarmlandChanges.Sql(S, within, evidence, eventColumns, inScope)), ct);

        // Either party inside the territory: the footprint's region answers for what it built, the protection's for what it let happen.
        NpgsqlCommand OverlapCommand()
        {
            var (footprint, footprintParts) = (ScopeSql.Within(scope, "f.region_code", "fr"), ScopeSql.PartsFilter(scope, "fp", "f."));
            var (protection, protectionParts) = (ScopeSql.Within(scope, "p.region_code", "pr"), ScopeSql.PartsFilter(scope, "pp", "p."));
            var cmd = Command(OverlapFacts.Sql($"({footprint.Sql} or {footprintParts.Sql})", $"({protection.Sql} or {protectionParts.Sql})"));
            foreach (var sql in new[] { footprint, footprintParts, protection, protectionParts }) sql.Bind(cmd);
            return cmd;
        }

        var targets = new List<TargetFact>();
        await using (var cmd = Command($"""
            select x.region_code, x.retention_ha, x.permanent_basic_ha, {eventColumns}
            from {S}.{FlowTables.Targets} x {within} {evidence}
            where {codes.Sql} and x.effective_date <= @end and x.recorded_at <= @known
              and not exists (select 1 from {S}.{LineageTables.Successions} l where l.predecessor = x.region_code and l.effective_date <= @end
                              and l.recorded_at <= @known)
            order by x.effective_date, x.seq
            """))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                targets.Add(new TargetFact(r.GetString(0), r.GetDecimal(1), r.GetDecimal(2), ReadRef(r, 3)));

        // Late: recorded (Beijing date) after the tenure's last weeks; or a correction of any date.
        var recorded = new List<EventRef>();
        await using (var cmd = Command($"""
            select x.seq, x.event_id, x.type, x.stream_id, e.version, x.effective_date, x.recorded_at, x.client
            from {S}.{EventIndex.Table} x {within} join {S}.mt_events e on e.seq_id = x.seq
            where {codes.Sql} and x.effective_date between @start and @end and x.recorded_at <= @known
              and ((x.recorded_at at time zone 'Asia/Shanghai')::date > @lateFrom or x.type = any(@corrections))
            order by x.seq
            """))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) recorded.Add(ReadRef(r, 0));

        var transfers = await AuditTransfers.ReadAsync(Command, scope, within, tenure.Start, eventColumns, ct);
        opening.AddRange(transfers.Opening);
        flows.AddRange(transfers.During);
        await tx.CommitAsync(ct);
        var successions = AuditTransfers.SuccessionsInside(scope, tenure.Start, end);
        return new AuditInputs(tenure, end, interim, knownAt, highWater, opening, flows, water, targets, recorded, lateFrom,
            await AuditTransfers.EvidenceAsync(Command, successions, ct)) { LandQuota = landQuota, Overlaps = overlaps, FarmlandChanges = farmlandChanges };
    }

    /// <summary>
    /// Events inside the tenure's region and dates (or its water years) that a report at
    /// (knownAt, highWater) did not read but are known now: recorded later, or committed later.
    /// </summary>
    public async Task<IReadOnlyList<EventRef>> ArrivedSinceAsync(string region, LocalDate start, LocalDate end, Instant knownAt, long highWater,
        CancellationToken ct)
    {
        var (low, high) = SheetQuery.CodeRange(region);
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand($"""
            select x.seq, x.event_id, x.type, x.stream_id, e.version, x.effective_date, x.recorded_at, x.client
            from {S}.{EventIndex.Table} x join {S}.{ChainTables.Links} c on c.seq = x.seq join {S}.mt_events e on e.seq_id = x.seq
            where x.region_code between @low and @high and (c.position > @hw or x.recorded_at > @known)
              and (x.effective_date between @start and @end
                   or exists (select 1 from {S}.{FlowTables.Flows} f where f.seq = x.seq and f.year between @y1 and @y2))
            order by x.seq
            limit 10000
            """, conn);
        cmd.Parameters.AddWithValue("low", low);
        cmd.Parameters.AddWithValue("high", high);
        cmd.Parameters.AddWithValue("hw", highWater);
        cmd.Parameters.AddWithValue("known", knownAt.ToDateTimeUtc());
        cmd.Parameters.AddWithValue("start", start.ToDateOnly());
        cmd.Parameters.AddWithValue("end", end.ToDateOnly());
        cmd.Parameters.AddWithValue("y1", start.Year);
        cmd.Parameters.AddWithValue("y2", end.Year);
        var list = new List<EventRef>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) list.Add(ReadRef(r, 0));
        return list;
    }

    private static async Task<List<FlowFact>> FlowsAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        await using var _ = cmd;
        var list = new List<FlowFact>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new FlowFact(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetInt32(4),
                Quantities.Normalize(r.GetDecimal(5)), ReadRef(r, 6)));
        return list;
    }

    internal static EventRef ReadEvent(NpgsqlDataReader r, int i) => ReadRef(r, i);

    private static EventRef ReadRef(NpgsqlDataReader r, int i)
    {
        var streamId = r.GetString(i + 3);
        var colon = streamId.IndexOf(':');
        return new EventRef(r.GetInt64(i), r.GetGuid(i + 1), r.GetString(i + 2), streamId[..colon], streamId[(colon + 1)..], r.GetInt64(i + 4),
            LocalDate.FromDateOnly(r.GetFieldValue<DateOnly>(i + 5)), Instant.FromDateTimeOffset(r.GetFieldValue<DateTimeOffset>(i + 6)),
            r.GetString(i + 7));
    }
}
