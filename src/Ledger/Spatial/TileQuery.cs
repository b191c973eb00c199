using Ledger.Storage;
using NodaTime;
using Npgsql;

namespace Ledger.Spatial;

/// <summary>A map feature clipped to a tile, in tile coordinates (WKB), with its properties as JSON text.</summary>
public sealed record TileShape(string Layer, byte[] Wkb, string Props);

/// <summary>A tile (empty when nothing meets it) and what its database had recorded by <c>knownAt</c>, read in the same snapshot.</summary>
public sealed record MapTile(byte[] Mvt, KnowledgePoint Known);

/// <summary>A tile's shapes from one database, before encoding, with what that database had recorded by <c>knownAt</c>.</summary>
public sealed record TileShapes(IReadOnlyList<TileShape> Shapes, KnowledgePoint Known);

/// <summary>
/// The map's features as Mapbox vector tiles (z/x/y in Web Mercator, for drawing only: the features
/// are the same rows as the GeoJSON, transformed from EPSG:4490 at the last step), one tile layer
/// per map layer, every feature's properties as in the GeoJSON. Each read runs under
/// <paramref name="limits"/>' timeout and names the <see cref="KnowledgePoint"/> it read, so the API can cache it.
/// </summary>
public sealed class TileQuery(NpgsqlDataSource db, MapLimits? limits = null)
{
    private readonly TimeSpan _timeout = (limits ?? MapLimits.None).Timeout;

    /// <summary>What the database had recorded by <paramref name="knownAt"/>: the tile cache's key, before any tile is read.</summary>
    public Task<KnowledgePoint> KnowledgeAsync(Instant knownAt, CancellationToken ct) =>
        BoundedRead.RunAsync(db, _timeout, conn => KnowledgePoint.ReadAsync(conn, knownAt, ct), ct);

    public Task<MapTile> TileAsync(MapRequest request, int z, int x, int y, CancellationToken ct) =>
        BoundedRead.RunAsync(db, _timeout, async conn =>
        {
            var known = await KnowledgePoint.ReadAsync(conn, request.KnownAt, ct);
            var territory = await MapQuery.TerritoryAsync(conn, request.Region, request.AsOf, request.KnownAt, ct);
            await using var cmd = MapQuery.Command(conn, request, $"""
                , tile as (select ST_TileEnvelope(@z, @x, @y) b),
                shapes as (
                  select f.layer, f.seq, ST_AsMVTGeom(ST_Transform(f.geom, 3857), tile.b, 4096, 64, true) geom, f.props::jsonb props
                  from features f, tile
                  where f.geom && ST_Transform(tile.b, {Postgis.Srid}))
                {EncodeShapes}
                """, $"ST_Transform(ST_TileEnvelope(@z, @x, @y), {Postgis.Srid})", territory);
            AddTile(cmd, z, x, y);
            return new MapTile((byte[])(await cmd.ExecuteScalarAsync(ct))!, known);
        }, ct);

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
    /// several databases can be encoded once by <see cref="EncodeAsync"/>: a tile may not repeat a layer.
    /// </summary>
    public Task<TileShapes> ShapesAsync(MapRequest request, int z, int x, int y, CancellationToken ct) =>
        BoundedRead.RunAsync(db, _timeout, async conn =>
        {
            var known = await KnowledgePoint.ReadAsync(conn, request.KnownAt, ct);
            var territory = await MapQuery.TerritoryAsync(conn, request.Region, request.AsOf, request.KnownAt, ct);
            await using var cmd = MapQuery.Command(conn, request, $"""
                , tile as (select ST_TileEnvelope(@z, @x, @y) b)
                select f.layer, ST_AsBinary(g), f.props::text
                from features f, tile, ST_AsMVTGeom(ST_Transform(f.geom, 3857), tile.b, 4096, 64, true) g
                where f.geom && ST_Transform(tile.b, {Postgis.Srid}) and g is not null
                order by f.layer, f.seq
                """, $"ST_Transform(ST_TileEnvelope(@z, @x, @y), {Postgis.Srid})", territory);
            AddTile(cmd, z, x, y);
            var shapes = new List<TileShape>();
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) shapes.Add(new TileShape(r.GetString(0), r.GetFieldValue<byte[]>(1), r.GetString(2)));
            return new TileShapes(shapes, known);
        }, ct);

    /// <summary>Encodes shapes (in the order given within each layer) as one Mapbox vector tile; empty when there are none.</summary>
    public async Task<byte[]> EncodeAsync(IReadOnlyList<TileShape> shapes, CancellationToken ct)
    {
        if (shapes.Count == 0) return [];
        return await BoundedRead.RunAsync(db, _timeout, async conn =>
        {
            await using var cmd = new NpgsqlCommand($"""
                with shapes as (
                  select s.layer, s.seq, ST_GeomFromWKB(s.wkb) geom, s.props::jsonb props
                  from unnest(@layers::text[], @wkbs::bytea[], @props::text[]) with ordinality s(layer, wkb, props, seq))
                {EncodeShapes}
                """, conn);
            cmd.Parameters.AddWithValue("layers", shapes.Select(s => s.Layer).ToArray());
            cmd.Parameters.AddWithValue("wkbs", shapes.Select(s => s.Wkb).ToArray());
            cmd.Parameters.AddWithValue("props", shapes.Select(s => s.Props).ToArray());
            return (byte[])(await cmd.ExecuteScalarAsync(ct))!;
        }, ct);
    }

    private static void AddTile(NpgsqlCommand cmd, int z, int x, int y)
    {
        cmd.Parameters.AddWithValue("z", z);
        cmd.Parameters.AddWithValue("x", x);
        cmd.Parameters.AddWithValue("y", y);
    }
}
