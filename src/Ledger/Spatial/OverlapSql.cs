using Ledger.Storage;

namespace Ledger.Spatial;

/// <summary>
/// The overlap rule, as one query over <c>geo_versions</c> and <c>geo_parts</c>. Ingest runs it
/// for the pairs the batch's new rows take part in (<c>@new</c>); the derived-table check runs it
/// for every pair (<c>all</c>) and compares with what ingest stored — one text, which rows it starts from the only difference.
/// </summary>
/// <remarks>
/// A pair is a footprint or licensed area F and a protection version P (red line, permanent
/// basic) whose interiors share at least 0.0001 ha (boundaries that only touch share no area).
/// Its effective date is the later of the two; P must be its stream's version in force on that
/// date as known when the later of the two was recorded. <c>kind</c>: <c>licence</c> for a
/// licensed area, <c>pre-existing</c> when P took effect after F, else <c>occupation</c>.
/// </remarks>
public static class OverlapSql
{
    public const decimal MinimumHa = 0.0001m;

    public const string Columns =
        "id, seq, kind, layer, area_ha, effective_date, recorded_at, footprint_seq, footprint_layer, protected_seq, footprint_region, protected_region";

    /// <param name="all">Every pair (the derived-table check) rather than those of the new rows in <c>@new</c> (ingest). Two texts
    /// rather than an "@new is null or" condition: a prepared statement's generic plan cannot drop that branch, and scanned every
    /// version of the layer for each batch (17 ms a batch of 500 parcels in a county of 100,000) instead of reading the new ones by key.</param>
    /// <param name="footprints">At ingest: the batch has new footprints or licensed areas (pairs start from them).</param>
    /// <param name="pieces">At ingest: the batch has new protections (pairs start from their pieces, against older footprints).
    /// Asked only then: from a footprint batch the planner, unable to see that no piece is new, met every older footprint's
    /// pieces through the GiST index to keep none.</param>
    public static string Select(string s = LedgerStore.Schema, bool all = false, bool footprints = true, bool pieces = true)
    {
        var from = new List<string>();
        if (all || footprints) from.Add(Candidates(s, all ? "true" : "f.seq = any(@new)"));
        if (!all && pieces) from.Add(Candidates(s, "part.seq = any(@new) and f.seq <> all(@new)"));
        return $"""
        with candidates as (
          {string.Join(" union all ", from)}),
        pairs as (
          select fseq, flayer, pseq, player, round((sum(m2) / 10000)::numeric, 4) area_ha from candidates group by 1, 2, 3, 4)
        select md5(f.event_id::text || '/' || p.event_id::text || '/' || p.layer)::uuid, greatest(f.seq, p.seq),
               case when f.layer = '{Layers.Mining}' then 'licence'
                    when p.effective_date > f.effective_date then 'pre-existing' else 'occupation' end,
               p.layer, x.area_ha, greatest(f.effective_date, p.effective_date), greatest(f.recorded_at, p.recorded_at),
               f.seq, f.layer, p.seq, f.region_code, p.region_code
        from pairs x
        join {s}.{GeoTables.Versions} f on f.seq = x.fseq and f.layer = x.flayer
        join {s}.{GeoTables.Versions} p on p.seq = x.pseq and p.layer = x.player
        where x.area_ha >= {MinimumHa}
          and not exists (
            select 1 from {s}.{GeoTables.Versions} q
            where q.stream_id = p.stream_id and q.layer = p.layer and q.seq <= greatest(f.seq, p.seq)
              and q.effective_date <= greatest(f.effective_date, p.effective_date)
              and (q.effective_date, q.seq) > (p.effective_date, p.seq))
        """;
    }

    /// <summary>
    /// Footprint × protection-piece pairs that meet, and the area they share. Ingest asks twice, each
    /// side through its primary key (new footprints against every piece, then new pieces against
    /// the older footprints), so a batch never scans the whole table.
    /// </summary>
    private static string Candidates(string s, string which) => $"""
          select f.seq fseq, f.layer flayer, part.seq pseq, part.layer player, ST_Area(ST_Intersection(f.geom, part.geom)::geography) m2
          from {s}.{GeoTables.Versions} f
          join {s}.{GeoTables.Parts} part on part.geom && f.geom and ST_Intersects(part.geom, f.geom)
          where f.geom is not null and {which}
            and (f.layer = '{Layers.Mining}' or (f.layer = '{Layers.Footprints}' and f.type <> all(@notOccupying)))
        """;

    /// <summary>Cuts the new protection versions into indexed pieces of at most <see cref="GeoTables.PartVertices"/> vertices.</summary>
    /// <param name="all">Every protection version (the derived-table check) rather than the new ones in <c>@new</c> (ingest).</param>
    public static string Subdivide(string s = LedgerStore.Schema, bool all = false) => $"""
        select v.seq, v.layer, d.n::int, d.g from {s}.{GeoTables.Versions} v
        cross join lateral ST_Subdivide(v.geom, {GeoTables.PartVertices}) with ordinality d(g, n)
        where v.geom is not null and v.layer = any(@protections){(all ? "" : " and v.seq = any(@new)")}
        """;
}
