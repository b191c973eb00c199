using Ledger.Audit.BalanceSheets;
using Ledger.Spatial;
using Ledger.Storage;
using NodaTime;

namespace Ledger.Audit.Departure;

/// <summary>
/// An overlap the ledger found (contract 1.1) effective inside a tenure, with both events.
/// <see cref="Reported"/>: the protected stream itself carries a footprint that meets this one's
/// interior, recorded by the report's knowledge time and effective by the tenure's end — for a
/// red-line zone an encroachment report (<c>redline.encroachment-detected</c> with a boundary),
/// for a permanent basic parcel an occupation recorded on the parcel. A footprint that is itself
/// such a record is reported by definition.
/// </summary>
public sealed record OverlapFact(Guid Id, string Kind, string Layer, decimal AreaHa, LocalDate EffectiveDate, EventRef Footprint,
    EventRef Protected, bool Reported)
{
    /// <summary>The footprint, the protection around it and their shared area, simplified for a report's small map.</summary>
    public (Outline Footprint, Outline Protected, Outline Overlap) Shapes { get; init; } = (Outline.None, Outline.None, Outline.None);
}

public static class OverlapFacts
{
    /// <summary>
    /// The tenure's overlaps: either party inside its territory (<paramref name="footprintIn"/>,
    /// <paramref name="protectedIn"/>: SQL over the geo_versions aliases f and p), effective in
    /// [@start, @end], both events recorded by @known and within the high-water mark (@hw), with the protection still
    /// the version in force on the overlap's date as known then.
    /// </summary>
    public static string Sql(string footprintIn, string protectedIn)
    {
        var s = LedgerStore.Schema;
        return $"""
            select o.id, o.kind, o.layer, o.area_ha, o.effective_date,
                   f.seq, fi.event_id, fi.type, fi.stream_id, fe.version, fi.effective_date, fi.recorded_at, fi.client,
                   p.seq, pi.event_id, pi.type, pi.stream_id, pe.version, pi.effective_date, pi.recorded_at, pi.client,
                   exists (select 1 from {s}.{GeoTables.Versions} g
                           join {s}.{Ledger.Chain.ChainTables.Links} gc on gc.seq = g.seq and gc.position <= @hw
                           where g.stream_id = p.stream_id and g.layer = '{Layers.Footprints}' and g.geom && f.geom
                             and g.recorded_at <= @known and g.effective_date <= @end
                             and (g.seq = f.seq or ST_Area(ST_Intersection(g.geom, f.geom)::geography) >= {OverlapSql.MinimumHa * 10000})),
                   ST_AsGeoJSON(ST_SimplifyPreserveTopology(f.geom, z.tolerance), 7),
                   ST_AsGeoJSON(ST_SimplifyPreserveTopology(ST_ClipByBox2D(p.geom, z.around), z.tolerance), 7),
                   ST_AsGeoJSON(ST_SimplifyPreserveTopology(ST_CollectionExtract(ST_Intersection(f.geom, p.geom), 3), z.tolerance), 7)
            from {s}.{GeoTables.Overlaps} o
            join {s}.{GeoTables.Versions} f on f.seq = o.footprint_seq and f.layer = o.footprint_layer
            join {s}.{GeoTables.Versions} p on p.seq = o.protected_seq and p.layer = o.layer
            join {s}.{Ledger.Investigations.EventIndex.Table} fi on fi.seq = f.seq join {s}.mt_events fe on fe.seq_id = f.seq
            join {s}.{Ledger.Investigations.EventIndex.Table} pi on pi.seq = p.seq join {s}.mt_events pe on pe.seq_id = p.seq
            -- The map's frame: the footprint's box grown by half its size; detail below 1/300 of it is dropped.
            cross join lateral (select ST_Expand(box2d(f.geom), greatest(ST_XMax(f.geom) - ST_XMin(f.geom), ST_YMax(f.geom) - ST_YMin(f.geom)) / 2) around,
                                       greatest(ST_XMax(f.geom) - ST_XMin(f.geom), ST_YMax(f.geom) - ST_YMin(f.geom)) / 300 tolerance) z
            join {s}.{Ledger.Chain.ChainTables.Links} fc on fc.seq = f.seq and fc.position <= @hw
            join {s}.{Ledger.Chain.ChainTables.Links} pc on pc.seq = p.seq and pc.position <= @hw
            where o.recorded_at <= @known and o.effective_date between @start and @end
              and ({footprintIn} or {protectedIn})
              and {OverlapQuery.InForce("o", "p", "@known")}
            order by o.effective_date, o.seq, o.id
            """;
    }

    public static async Task<List<OverlapFact>> ReadAsync(Npgsql.NpgsqlCommand cmd, CancellationToken ct)
    {
        await using var _ = cmd;
        var list = new List<OverlapFact>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new OverlapFact(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetDecimal(3), LocalDate.FromDateOnly(r.GetFieldValue<DateOnly>(4)),
                AuditReader.ReadEvent(r, 5), AuditReader.ReadEvent(r, 13), r.GetBoolean(21))
            {
                Shapes = (Outline.FromGeoJson(Text(22)), Outline.FromGeoJson(Text(23)), Outline.FromGeoJson(Text(24))),
            });
        string? Text(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        return list;
    }
}
