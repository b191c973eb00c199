using Ledger.Regions;
using Ledger.Storage;
using NodaTime;
using Npgsql;

namespace Ledger.Spatial;

/// <summary>West, south, east, north in degrees (CGCS2000).</summary>
public sealed record BoundingBox(double West, double South, double East, double North);

public sealed record MapRequest(string Region, IReadOnlyList<string> Layers, LocalDate AsOf, Instant KnownAt, BoundingBox? Bbox);

/// <summary>
/// A region's map as of a date, as known at an instant: per stream the boundary version in force,
/// every footprint in force, and the overlaps (drawn as the intersection of their two parties).
/// PostgreSQL builds the GeoJSON FeatureCollection itself, so a large map is never held as objects.
/// </summary>
public sealed class MapQuery(NpgsqlDataSource db)
{
    public async Task<string> FeatureCollectionAsync(MapRequest request, CancellationToken ct)
    {
        var s = LedgerStore.Schema;
        var v = GeoTables.Versions;
        const string Props = "'domain', split_part(x.stream_id, ':', 1), 'stream', split_part(x.stream_id, ':', 2), 'version', x.version, " +
                             "'eventId', x.event_id, 'effectiveDate', x.effective_date";
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand($"""
            with boundaries as (
              select distinct on (stream_id, layer) * from {s}.{v}
              where layer = any(@boundaryLayers) and effective_date <= @asOf and recorded_at <= @knownAt and region_code like @prefix
              order by stream_id, layer, effective_date desc, seq desc),
            features as (
              select x.seq, x.layer, x.geom, json_build_object('layer', x.layer, {Props}, 'areaHa', x.area_ha) props
              from boundaries x where x.geom is not null
              union all
              select x.seq, x.layer, x.geom, json_build_object('layer', x.layer, {Props}, 'areaHa', x.area_ha, 'type', x.type)
              from {s}.{v} x where @footprints and x.layer = '{Layers.Footprints}' and x.effective_date <= @asOf
                and x.recorded_at <= @knownAt and x.region_code like @prefix
              union all
              select o.seq, '{Layers.Overlaps}', ST_Multi(ST_CollectionExtract(ST_Intersection(x.geom, p.geom), 3)),
                     json_build_object('layer', '{Layers.Overlaps}', {Props}, 'areaHa', o.area_ha, 'id', o.id, 'kind', o.kind,
                       'protectedLayer', o.layer, 'protectedStream', split_part(p.stream_id, ':', 2))
              from {s}.{GeoTables.Overlaps} o
              join {s}.{v} x on x.seq = o.footprint_seq and x.layer = o.footprint_layer
              join {s}.{v} p on p.seq = o.protected_seq and p.layer = o.layer
              where @overlaps and o.effective_date <= @asOf and o.recorded_at <= @knownAt
                and (o.footprint_region like @prefix or o.protected_region like @prefix)
                and {OverlapQuery.InForce("o", "p", "@knownAt")})
            select json_build_object('type', 'FeatureCollection', 'region', @region, 'asOf', @asOfText, 'knownAt', @knownAtText,
              'features', coalesce(json_agg(json_build_object('type', 'Feature', 'geometry', ST_AsGeoJSON(geom)::json, 'properties', props)
                order by layer, seq), '[]'::json))::text
            from features
            where @west::float8 is null or geom && ST_MakeEnvelope(@west, @south, @east, @north, {Postgis.Srid})
            """, conn);
        var layers = request.Layers;
        cmd.Parameters.AddWithValue("boundaryLayers", layers.Where(l => l is not (Layers.Footprints or Layers.Overlaps)).ToArray());
        cmd.Parameters.AddWithValue("footprints", layers.Contains(Layers.Footprints));
        cmd.Parameters.AddWithValue("overlaps", layers.Contains(Layers.Overlaps));
        cmd.Parameters.AddWithValue("asOf", request.AsOf.ToDateOnly());
        cmd.Parameters.AddWithValue("knownAt", request.KnownAt.ToDateTimeUtc());
        cmd.Parameters.AddWithValue("region", request.Region);
        cmd.Parameters.AddWithValue("asOfText", NodaTime.Text.LocalDatePattern.Iso.Format(request.AsOf));
        cmd.Parameters.AddWithValue("knownAtText", NodaTime.Text.InstantPattern.ExtendedIso.Format(request.KnownAt));
        cmd.Parameters.AddWithValue("prefix", RegionCodes.Prefix(request.Region) + "%");
        var box = request.Bbox;
        cmd.Parameters.AddWithValue("west", NpgsqlTypes.NpgsqlDbType.Double, (object?)box?.West ?? DBNull.Value);
        cmd.Parameters.AddWithValue("south", NpgsqlTypes.NpgsqlDbType.Double, (object?)box?.South ?? DBNull.Value);
        cmd.Parameters.AddWithValue("east", NpgsqlTypes.NpgsqlDbType.Double, (object?)box?.East ?? DBNull.Value);
        cmd.Parameters.AddWithValue("north", NpgsqlTypes.NpgsqlDbType.Double, (object?)box?.North ?? DBNull.Value);
        return (string)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
