using Ledger.Storage;
using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;

namespace Ledger.Spatial;

/// <summary>
/// Writes the geometry projections in the ingest transaction: the batch's boundary versions
/// and footprints, the pieces of its new protections, then the overlaps its new rows take part
/// in — found by PostGIS against everything known, in this same snapshot.
/// </summary>
public static class GeoWriter
{
    private const int OverlapLockClass = 0x4C47_454F; // "LGEO"

    /// <summary>The latest recorded boundary of each stream, for the events that reuse it (site closures, permanent basic designations).</summary>
    public static async Task<Dictionary<(string, string), Boundary?>> LastBoundariesAsync(NpgsqlConnection conn, NpgsqlTransaction tx,
        string[] streamIds, CancellationToken ct)
    {
        var found = new Dictionary<(string, string), Boundary?>();
        if (streamIds.Length == 0) return found;
        await using var cmd = new NpgsqlCommand($"""
            select distinct on (stream_id, layer) stream_id, layer, geom, area_ha from {LedgerStore.Schema}.{GeoTables.Versions}
            where stream_id = any(@streams) and layer = any(@layers) order by stream_id, layer, seq desc
            """, conn, tx);
        cmd.Parameters.AddWithValue("streams", streamIds);
        cmd.Parameters.AddWithValue("layers", new[] { Layers.Farmland, Layers.Mining });
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            found[(r.GetString(0), r.GetString(1))] = r.IsDBNull(2) ? null : new Boundary(r.GetFieldValue<MultiPolygon>(2), r.GetDecimal(3));
        return found;
    }

    public static async Task WriteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<GeoRow> rows, CancellationToken ct)
    {
        if (rows.Count == 0) return;
        var s = LedgerStore.Schema;
        await using (var insert = new NpgsqlCommand($"""
            insert into {s}.{GeoTables.Versions} (seq, layer, event_id, type, stream_id, region_code, version, effective_date, recorded_at, area_ha, geom)
            select * from unnest(@seq, @layer, @event_id, @type, @stream_id, @region_code, @version, @effective_date, @recorded_at, @area_ha, @geom)
            """, conn, tx))
        {
            insert.Parameters.AddWithValue("seq", rows.Select(r => r.Seq).ToArray());
            insert.Parameters.AddWithValue("layer", rows.Select(r => r.Layer).ToArray());
            insert.Parameters.AddWithValue("event_id", rows.Select(r => r.EventId).ToArray());
            insert.Parameters.AddWithValue("type", rows.Select(r => r.Type).ToArray());
            insert.Parameters.AddWithValue("stream_id", rows.Select(r => r.StreamId).ToArray());
            insert.Parameters.AddWithValue("region_code", rows.Select(r => r.RegionCode).ToArray());
            insert.Parameters.AddWithValue("version", rows.Select(r => r.Version).ToArray());
            insert.Parameters.AddWithValue("effective_date", NpgsqlDbType.Array | NpgsqlDbType.Date, rows.Select(r => r.EffectiveDate.ToDateOnly()).ToArray());
            insert.Parameters.AddWithValue("recorded_at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz, rows.Select(r => r.RecordedAt.ToDateTimeUtc()).ToArray());
            insert.Parameters.AddWithValue("area_ha", NpgsqlDbType.Array | NpgsqlDbType.Numeric, rows.Select(r => (object?)r.AreaHa ?? DBNull.Value).ToArray());
            insert.Parameters.AddWithValue("geom", NpgsqlDbType.Array | NpgsqlDbType.Geometry, rows.Select(r => (object?)r.Geometry ?? DBNull.Value).ToArray());
            await insert.ExecuteNonQueryAsync(ct);
        }
        // Pieces are cut from protections, and an overlap needs a new footprint, licensed area or protection: a batch of
        // parcels alone (an import of a 三调 layer) has none of them, and the statement would only be planned to find nothing.
        var footprints = rows.Any(r => r.Geometry is not null && r.Layer is (Layers.Footprints or Layers.Mining));
        var pieces = rows.Any(r => r.Geometry is not null && Layers.Protections.Contains(r.Layer));
        if (!footprints && !pieces) return;
        var fresh = rows.Select(r => r.Seq).Distinct().ToArray();
        // One batch at a time finds overlaps, and holds the lock until it commits. Without it, a zone and a footprint
        // posted at the same moment by two writers were each looked for in a snapshot without the other (neither
        // committed yet), and the overlap they make was never recorded. The statements after the lock each take a new
        // snapshot (read committed), so the later batch sees the earlier's rows. Batches of parcels alone skip it.
        await using var derive = new NpgsqlCommand($"""
            select pg_advisory_xact_lock({OverlapLockClass}, 0);
            {(pieces ? $"insert into {s}.{GeoTables.Parts} (seq, layer, part, geom) {OverlapSql.Subdivide(s)};" : "")}
            insert into {s}.{GeoTables.Overlaps} ({OverlapSql.Columns}) {OverlapSql.Select(s, footprints: footprints, pieces: pieces)};
            """, conn, tx);
        derive.Parameters.AddWithValue("new", fresh);
        derive.Parameters.AddWithValue("protections", Layers.Protections);
        derive.Parameters.AddWithValue("notOccupying", GeoProjection.NotOccupying);
        await derive.ExecuteNonQueryAsync(ct);
    }
}
