using System.Text.Json;
using Npgsql;

namespace Ledger.Spatial;

/// <summary>One map feature as an export writes it: its layer, PostGIS's WKB (little-endian), its envelope (null when empty) and the map's properties.</summary>
public sealed record MapFeature(string Layer, byte[] Wkb, BoundingBox? Envelope, JsonElement Properties);

/// <summary>How a read ended: the features it handed over, or that there were more than the cap (counted to one past it) and none were read.</summary>
public readonly record struct MapRead(int Features, bool OverCap);

/// <summary>
/// The map's features one at a time, for exports: the same query as <see cref="MapQuery"/> (so the
/// same features and properties as <c>/map</c>), in layer and sequence order, in one snapshot under
/// the same timeout. Without a bbox the features are counted first and none is read when they are
/// more than <see cref="MapLimits.MaxFeatures"/>; with one, reading stops one past the cap.
/// </summary>
public sealed class MapFeatureReader(NpgsqlDataSource db, MapLimits limits)
{
    /// <param name="each">Takes each feature (its properties valid only during the call); false stops the read.</param>
    public Task<MapRead> ReadAsync(MapRequest request, Func<MapFeature, bool> each, CancellationToken ct) =>
        BoundedRead.RunAsync(db, limits.Timeout, async conn =>
        {
            var territory = await MapQuery.TerritoryAsync(conn, request.Region, request.AsOf, request.KnownAt, ct);
            if (request.Bbox is null)
            {
                await using var count = MapQuery.Command(conn, request, "select count(*)::int from (select 1 from features limit @limit) f", null, territory);
                count.Parameters.AddWithValue("limit", limits.MaxFeatures + 1L);
                if ((int)(await count.ExecuteScalarAsync(ct))! is var n && n > limits.MaxFeatures) return new MapRead(n, true);
            }
            var frame = request.Bbox is null ? null : $"ST_MakeEnvelope(@west, @south, @east, @north, {Storage.Postgis.Srid})";
            var inBox = request.Bbox is null ? "true" : $"geom && {frame}";
            await using var cmd = MapQuery.Command(conn, request, $"""
                select layer, ST_AsBinary(geom, 'NDR'), ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom), props::text
                from features where {inBox} order by layer, seq limit @limit
                """, frame, territory);
            cmd.Parameters.AddWithValue("limit", limits.MaxFeatures + 1L);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            var read = 0;
            while (await r.ReadAsync(ct))
            {
                if (++read > limits.MaxFeatures) return new MapRead(read, true);
                var envelope = r.IsDBNull(2) ? null : new BoundingBox(r.GetDouble(2), r.GetDouble(3), r.GetDouble(4), r.GetDouble(5));
                using var properties = JsonDocument.Parse(r.GetString(6));
                if (!each(new MapFeature(r.GetString(0), r.GetFieldValue<byte[]>(1), envelope, properties.RootElement))) break;
            }
            return new MapRead(read, false);
        }, ct);
}
