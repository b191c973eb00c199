using Ledger.Regions;
using Ledger.Storage;
using NodaTime;
using Npgsql;

namespace Ledger.Spatial;

/// <summary>West, south, east, north in degrees (CGCS2000).</summary>
public sealed record BoundingBox(double West, double South, double East, double North)
{
    /// <summary>The box around every box given; null when none is.</summary>
    public static BoundingBox? Union(IEnumerable<BoundingBox?> boxes) =>
        boxes.OfType<BoundingBox>().Aggregate((BoundingBox?)null, (u, b) => u is null ? b
            : new BoundingBox(Math.Min(u.West, b.West), Math.Min(u.South, b.South), Math.Max(u.East, b.East), Math.Max(u.North, b.North)));
}

/// <summary>A map feature clipped to a tile, in tile coordinates (WKB), with its properties as JSON text.</summary>
public sealed record TileShape(string Layer, byte[] Wkb, string Props);

public sealed record MapRequest(string Region, IReadOnlyList<string> Layers, LocalDate AsOf, Instant KnownAt, BoundingBox? Bbox);

/// <summary>
/// A region's map as of a date, as known at an instant: per stream the boundary version in force,
/// every footprint in force, and the overlaps (drawn as the intersection of their two parties).
/// PostgreSQL builds the GeoJSON FeatureCollection itself, so a large map is never held as objects.
/// </summary>
public sealed class MapQuery(NpgsqlDataSource db)
{
    /// <summary>
    /// The region's territory on a date, as known at an instant (its codes and, through successions,
    /// its predecessors'), as SQL over a geo_versions alias: the map of a district that was a county
    /// shows what was recorded under the county's code too, as the sheets do.
    /// </summary>
    public static async Task<Func<string, string, ScopeSql[]>> TerritoryAsync(NpgsqlConnection conn, string region, LocalDate date, Instant knownAt,
        CancellationToken ct)
    {
        var scope = RegionScope.Of(region, await LineageReader.LoadAsync(conn, null, knownAt, [], ct), date);
        return (alias, prefix) => [ScopeSql.Within(scope, $"{alias}region_code", prefix), ScopeSql.PartsFilter(scope, prefix + "p", alias)];
    }

    internal static string Inside(ScopeSql[] territory) => $"({territory[0].Sql} or {territory[1].Sql})";

    public async Task<string> FeatureCollectionAsync(MapRequest request, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var frame = request.Bbox is null ? null : $"ST_MakeEnvelope(@west, @south, @east, @north, {Postgis.Srid})";
        var territory = await TerritoryAsync(conn, request.Region, request.AsOf, request.KnownAt, ct);
        await using var cmd = Command(conn, request, $"""
            select json_build_object('type', 'FeatureCollection', 'region', @region, 'asOf', @asOfText, 'knownAt', @knownAtText,
              'features', coalesce(json_agg(json_build_object('type', 'Feature', 'geometry', ST_AsGeoJSON(geom)::json, 'properties', props)
                order by layer, seq), '[]'::json))::text
            from features
            where @west::float8 is null or geom && ST_MakeEnvelope(@west, @south, @east, @north, {Postgis.Srid})
            """, frame, territory);
        return (string)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// One Mapbox vector tile (z/x/y in Web Mercator, for drawing only: the features are the same
    /// rows as the GeoJSON, transformed from EPSG:4490 at the last step), one tile layer per map
    /// layer, every feature's properties as in the GeoJSON. Empty when nothing meets the tile.
    /// </summary>
    public async Task<byte[]> TileAsync(MapRequest request, int z, int x, int y, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var territory = await TerritoryAsync(conn, request.Region, request.AsOf, request.KnownAt, ct);
        await using var cmd = Command(conn, request, $"""
            , tile as (select ST_TileEnvelope(@z, @x, @y) b),
            shapes as (
              select f.layer, f.seq, ST_AsMVTGeom(ST_Transform(f.geom, 3857), tile.b, 4096, 64, true) geom, f.props::jsonb props
              from features f, tile
              where f.geom && ST_Transform(tile.b, {Postgis.Srid}))
            {EncodeShapes}
            """, $"ST_Transform(ST_TileEnvelope(@z, @x, @y), {Postgis.Srid})", territory);
        cmd.Parameters.AddWithValue("z", z);
        cmd.Parameters.AddWithValue("x", x);
        cmd.Parameters.AddWithValue("y", y);
        return (byte[])(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// One tile layer per map layer from a <c>shapes</c> CTE (layer, seq, geom in tile coordinates, props as jsonb);
    /// the row given to ST_AsMVT holds only the geometry and the properties (layer is already one of them).
    /// </summary>
    private const string EncodeShapes = """
        , layers as (
          select ST_AsMVT(t, l.layer, 4096, 'geom') mvt
          from (select distinct layer from shapes where geom is not null) l
          cross join lateral (select s.geom, s.props from shapes s where s.layer = l.layer and s.geom is not null order by s.seq) t
          group by l.layer)
        select coalesce(string_agg(mvt, ''::bytea), ''::bytea) from layers
        """;

    /// <summary>
    /// The shapes of <see cref="TileAsync"/> before encoding (tile coordinates as WKB), so a tile over
    /// several databases can be encoded once by <see cref="EncodeTileAsync"/>: a tile may not repeat a layer.
    /// </summary>
    public async Task<IReadOnlyList<TileShape>> TileShapesAsync(MapRequest request, int z, int x, int y, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var territory = await TerritoryAsync(conn, request.Region, request.AsOf, request.KnownAt, ct);
        await using var cmd = Command(conn, request, $"""
            , tile as (select ST_TileEnvelope(@z, @x, @y) b)
            select f.layer, ST_AsBinary(g), f.props::text
            from features f, tile, ST_AsMVTGeom(ST_Transform(f.geom, 3857), tile.b, 4096, 64, true) g
            where f.geom && ST_Transform(tile.b, {Postgis.Srid}) and g is not null
            order by f.layer, f.seq
            """, $"ST_Transform(ST_TileEnvelope(@z, @x, @y), {Postgis.Srid})", territory);
        cmd.Parameters.AddWithValue("z", z);
        cmd.Parameters.AddWithValue("x", x);
        cmd.Parameters.AddWithValue("y", y);
        var shapes = new List<TileShape>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) shapes.Add(new TileShape(r.GetString(0), r.GetFieldValue<byte[]>(1), r.GetString(2)));
        return shapes;
    }

    /// <summary>Encodes shapes (in the order given within each layer) as one Mapbox vector tile; empty when there are none.</summary>
    public static async Task<byte[]> EncodeTileAsync(NpgsqlDataSource db, IReadOnlyList<TileShape> shapes, CancellationToken ct)
    {
        if (shapes.Count == 0) return [];
        await using var cmd = db.CreateCommand($"""
            with shapes as (
              select s.layer, s.seq, ST_GeomFromWKB(s.wkb) geom, s.props::jsonb props
              from unnest(@layers::text[], @wkbs::bytea[], @props::text[]) with ordinality s(layer, wkb, props, seq))
            {EncodeShapes}
            """);
        cmd.Parameters.AddWithValue("layers", shapes.Select(s => s.Layer).ToArray());
        cmd.Parameters.AddWithValue("wkbs", shapes.Select(s => s.Wkb).ToArray());
        cmd.Parameters.AddWithValue("props", shapes.Select(s => s.Props).ToArray());
        return (byte[])(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>The extent of everything the region's map could show (every recorded geometry of its codes), or null when it has none.</summary>
    public async Task<BoundingBox?> ExtentAsync(string region, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var territory = (await TerritoryAsync(conn, region, LocalDate.MaxIsoValue, SystemClock.Instance.GetCurrentInstant(), ct))("", "t");
        await using var cmd = new NpgsqlCommand($"""
            select ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
            from (select ST_Extent(geom) e from {LedgerStore.Schema}.{GeoTables.Versions} where {Inside(territory)} and geom is not null) x
            where e is not null
            """, conn);
        foreach (var t in territory) t.Bind(cmd);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        return await r.ReadAsync(ct) ? new BoundingBox(r.GetDouble(0), r.GetDouble(1), r.GetDouble(2), r.GetDouble(3)) : null;
    }

    /// <summary>The map's features as a CTE (<c>features</c>: seq, layer, geom in 4490, props as json), then <paramref name="select"/>.</summary>
    /// <param name="frame">SQL for the area asked (a geometry in EPSG:4490), or null for the whole region.</param>
    private static NpgsqlCommand Command(NpgsqlConnection conn, MapRequest request, string select, string? frame, Func<string, string, ScopeSql[]> territory)
    {
        var (b, c, x, xo, po) = (territory("", "tb"), territory("c.", "tc"), territory("x.", "tx"), territory("x.", "to"), territory("p.", "tp"));
        var s = LedgerStore.Schema;
        var v = GeoTables.Versions;
        const string Props = "'domain', split_part(x.stream_id, ':', 1), 'stream', split_part(x.stream_id, ':', 2), 'version', x.version, " +
                             "'eventId', x.event_id, 'effectiveDate', x.effective_date";
        // With a frame, only streams with some version in it are candidates (through the GiST index);
        // the version in force is still chosen among all of a candidate's versions (through the stream
        // index), then kept if it meets the frame. The SQL is chosen here rather than by a run-time
        // test in the query: the planner would start parallel workers for the branch it never runs.
        var boundaries = frame is null
            ? $"""
              select distinct on (stream_id, layer) * from {s}.{v}
              where layer = any(@boundaryLayers) and effective_date <= @asOf and recorded_at <= @knownAt and {Inside(b)}
              order by stream_id, layer, effective_date desc, seq desc
              """
            : $"""
              select q.* from (select distinct c.stream_id, c.layer from {s}.{v} c
                               where c.geom && (select g from frame) and c.layer = any(@boundaryLayers) and {Inside(c)}) c
              cross join lateral (
                select * from {s}.{v} q
                where q.stream_id = c.stream_id and q.layer = c.layer and q.effective_date <= @asOf and q.recorded_at <= @knownAt
                order by q.effective_date desc, q.seq desc limit 1) q
              """;
        var inFrame = frame is null ? "true" : "x.geom && (select g from frame)";
        var cmd = new NpgsqlCommand($"""
            with frame as (select {frame ?? "null::geometry"} g),
            boundaries as ({boundaries}),
            features as (
              select x.seq, x.layer, x.geom, json_build_object('layer', x.layer, {Props}, 'areaHa', x.area_ha) props
              from boundaries x where x.geom is not null
              union all
              select x.seq, x.layer, x.geom, json_build_object('layer', x.layer, {Props}, 'areaHa', x.area_ha, 'type', x.type)
              from {s}.{v} x where @footprints and x.layer = '{Layers.Footprints}' and x.effective_date <= @asOf
                and x.recorded_at <= @knownAt and {Inside(x)} and {inFrame}
              union all
              select o.seq, '{Layers.Overlaps}', ST_Multi(ST_CollectionExtract(ST_Intersection(x.geom, p.geom), 3)),
                     json_build_object('layer', '{Layers.Overlaps}', {Props}, 'areaHa', o.area_ha, 'id', o.id, 'kind', o.kind,
                       'protectedLayer', o.layer, 'protectedStream', split_part(p.stream_id, ':', 2))
              from {s}.{GeoTables.Overlaps} o
              join {s}.{v} x on x.seq = o.footprint_seq and x.layer = o.footprint_layer
              join {s}.{v} p on p.seq = o.protected_seq and p.layer = o.layer
              where @overlaps and o.effective_date <= @asOf and o.recorded_at <= @knownAt
                and ({Inside(xo)} or {Inside(po)})
                and {inFrame}
                and {OverlapQuery.InForce("o", "p", "@knownAt")})
            {select}
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
        foreach (var t in new[] { b, c, x, xo, po }.SelectMany(t => t)) t.Bind(cmd);
        var box = request.Bbox;
        cmd.Parameters.AddWithValue("west", NpgsqlTypes.NpgsqlDbType.Double, (object?)box?.West ?? DBNull.Value);
        cmd.Parameters.AddWithValue("south", NpgsqlTypes.NpgsqlDbType.Double, (object?)box?.South ?? DBNull.Value);
        cmd.Parameters.AddWithValue("east", NpgsqlTypes.NpgsqlDbType.Double, (object?)box?.East ?? DBNull.Value);
        cmd.Parameters.AddWithValue("north", NpgsqlTypes.NpgsqlDbType.Double, (object?)box?.North ?? DBNull.Value);
        return cmd;
    }
}
