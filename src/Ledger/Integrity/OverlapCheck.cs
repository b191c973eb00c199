using Ledger.Spatial;
using Ledger.Storage;
using Npgsql;

namespace Ledger.Integrity;

/// <summary>
/// <c>geo_parts</c> and <c>overlaps</c> against what the overlap rule gives over <c>geo_versions</c>
/// (itself checked against a replay of the events): the same SQL ingest runs, over every row.
/// Areas may differ in the last unit (PostgreSQL may sum the pieces in another order), no more.
/// </summary>
internal static class OverlapCheck
{
    public static async Task<IReadOnlyList<Differences>> RunAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        var s = LedgerStore.Schema;
        var parts = new Differences(GeoTables.Parts, "ST_Subdivide of the protections in geo_versions");
        await FirstAsync(conn, tx, parts, $"""
            with stored as (select seq, layer, part, encode(ST_AsBinary(geom), 'hex') hex from {s}.{GeoTables.Parts}),
                 derived as (select seq, layer, n, encode(ST_AsBinary(g), 'hex') hex from ({OverlapSql.Subdivide(s, all: true)}) d(seq, layer, n, g)),
                 differing as ((select 'stored but not derived' what, * from stored except all select 'stored but not derived', * from derived)
                               union all (select 'derived but missing', * from derived except all select 'derived but missing', * from stored))
            select seq, what || ': sequence ' || seq || ' layer ' || layer || ' part ' || part, count(*) over () from differing order by seq limit 1
            """, ct);

        var overlaps = new Differences(GeoTables.Overlaps, "the overlaps geo_versions gives");
        await FirstAsync(conn, tx, overlaps, $"""
            with stored as (select {OverlapSql.Columns} from {s}.{GeoTables.Overlaps}),
                 derived ({OverlapSql.Columns}) as ({OverlapSql.Select(s, all: true)}),
                 differing as (
                   select coalesce(a.seq, b.seq) seq, coalesce(a.id, b.id) id,
                          case when b.id is null then 'stored (' || a.kind || ', ' || a.area_ha || ' ha), but no such overlap is derived'
                               when a.id is null then 'missing; derived ' || b.kind || ' of ' || b.area_ha || ' ha'
                               else 'stored ' || row(a.kind, a.layer, a.area_ha, a.effective_date, a.recorded_at, a.footprint_seq, a.protected_seq)::text
                                    || ', derived ' || row(b.kind, b.layer, b.area_ha, b.effective_date, b.recorded_at, b.footprint_seq, b.protected_seq)::text end what
                   from stored a full join derived b on a.id = b.id
                   where a.id is null or b.id is null or abs(a.area_ha - b.area_ha) > {OverlapSql.MinimumHa}
                      or row(a.seq, a.kind, a.layer, a.effective_date, a.recorded_at, a.footprint_seq, a.footprint_layer, a.protected_seq,
                             a.footprint_region, a.protected_region)
                         is distinct from row(b.seq, b.kind, b.layer, b.effective_date, b.recorded_at, b.footprint_seq, b.footprint_layer,
                             b.protected_seq, b.footprint_region, b.protected_region))
            select seq, 'overlap ' || id || ': ' || what, count(*) over () from differing order by seq, id limit 1
            """, ct);
        return [parts, overlaps];
    }

    private static async Task FirstAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Differences into, string sql, CancellationToken ct)
    {
        await using var cmd = LongRunning.Command(sql, conn, tx);
        cmd.Parameters.AddWithValue("protections", Layers.Protections);
        cmd.Parameters.AddWithValue("notOccupying", GeoProjection.NotOccupying);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (await r.ReadAsync(ct)) into.Add(r.GetInt64(0), r.GetString(1), r.GetInt64(2));
    }
}
