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

public sealed record MapRequest(string Region, IReadOnlyList<string> Layers, LocalDate AsOf, Instant KnownAt, BoundingBox? Bbox);

/// <summary>A map's feature count (at most one past the cap), its features' GeoJSON bytes, and the FeatureCollection; null when over a cap.</summary>
public sealed record MapAnswer(int Features, long Bytes, string? Json);

/// <summary>
/// A region's map as of a date, as known at an instant: per stream the boundary version in force,
/// every footprint in force, and the overlaps (drawn as the intersection of their two parties).
/// PostgreSQL builds the GeoJSON FeatureCollection itself, so a large map is never held as objects.
/// Every read is bounded by <paramref name="limits"/> (none when not given: the operator's own tools).
/// </summary>
public sealed class MapQuery(NpgsqlDataSource db, MapLimits? limits = null)
{
    private readonly MapLimits _limits = limits ?? MapLimits.None;

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

    /// <summary>What a <c>bbox</c> keeps: it filters the features themselves (an overlap by its intersection).</summary>
    private static readonly string InBox = $"@west::float8 is null or geom && ST_MakeEnvelope(@west, @south, @east, @north, {Postgis.Srid})";

    /// <summary>How many features the map has, counting no further than one past the cap; no GeoJSON is built, and without a bbox no geometry read.</summary>
    public Task<int> CountAsync(MapRequest request, CancellationToken ct) =>
        BoundedRead.RunAsync(db, _limits.Timeout, async conn =>
            await CountAsync(conn, request, await TerritoryAsync(conn, request.Region, request.AsOf, request.KnownAt, ct), ct), ct);

    /// <summary>
    /// The GeoJSON FeatureCollection, or only its size when it is over a cap (<see cref="MapAnswer.Json"/> null):
    /// at most one past the cap's worth of features are built and their size summed before the
    /// collection is assembled, all in one snapshot.
    /// </summary>
    public Task<MapAnswer> FeatureCollectionAsync(MapRequest request, CancellationToken ct) =>
        BoundedRead.RunAsync(db, _limits.Timeout, async conn =>
        {
            var territory = await TerritoryAsync(conn, request.Region, request.AsOf, request.KnownAt, ct);
            // Without a bbox the count reads no geometry and spares building a map that is refused (the whole
            // region is what a cap refuses most); with one it would read every geometry twice (19,000 features:
            // +0.6 s), so the build's own limit counts instead and a refusal costs at most the cap's worth.
            if (request.Bbox is null && await CountAsync(conn, request, territory, ct) is var count && count > _limits.MaxFeatures)
                return new MapAnswer(count, 0, null);
            await using var cmd = Command(conn, request, $"""
                , capped as materialized (
                  select layer, seq, json_build_object('type', 'Feature', 'geometry', ST_AsGeoJSON(geom)::json, 'properties', props) feature
                  from features where {InBox} limit @limit),
                sized as (select count(*)::int n, coalesce(sum(octet_length(feature::text)), 0)::int8 bytes from capped)
                select n, bytes, case when n <= @maxFeatures and bytes <= @maxBytes then (
                  select json_build_object('type', 'FeatureCollection', 'region', @region, 'asOf', @asOfText, 'knownAt', @knownAtText,
                    'features', coalesce(json_agg(feature order by layer, seq), '[]'::json))::text from capped) end
                from sized
                """, Frame(request), territory);
            cmd.Parameters.AddWithValue("limit", _limits.MaxFeatures + 1L);
            cmd.Parameters.AddWithValue("maxFeatures", _limits.MaxFeatures);
            cmd.Parameters.AddWithValue("maxBytes", _limits.MaxBytes);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            await r.ReadAsync(ct);
            return new MapAnswer(r.GetInt32(0), r.GetInt64(1), r.IsDBNull(2) ? null : r.GetString(2));
        }, ct);

    private async Task<int> CountAsync(NpgsqlConnection conn, MapRequest request, Func<string, string, ScopeSql[]> territory, CancellationToken ct)
    {
        var where = request.Bbox is null ? "true" : InBox;
        await using var cmd = Command(conn, request, $"select count(*)::int from (select 1 from features where {where} limit @limit) f", Frame(request), territory);
        cmd.Parameters.AddWithValue("limit", _limits.MaxFeatures + 1L);
        return (int)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static string? Frame(MapRequest request) => request.Bbox is null ? null : $"ST_MakeEnvelope(@west, @south, @east, @north, {Postgis.Srid})";

    /// <summary>
    /// The extent of everything the region's map could show (every recorded geometry of its codes), or null when it has none;
    /// read under <paramref name="timeout"/>, since a province's is a scan of its geometries.
    /// </summary>
    public Task<BoundingBox?> ExtentAsync(string region, TimeSpan timeout, CancellationToken ct) =>
        BoundedRead.RunAsync(db, timeout, conn => ExtentAsync(conn, region, ct), ct);

    private static async Task<BoundingBox?> ExtentAsync(NpgsqlConnection conn, string region, CancellationToken ct)
    {
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
    internal static NpgsqlCommand Command(NpgsqlConnection conn, MapRequest request, string select, string? frame, Func<string, string, ScopeSql[]> territory)
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
        // Without a frame, the versions in force are chosen by their keys alone and joined back: sorting
        // whole rows with their geometry spilled to disk, and a count needs no row at all (the left
        // join on the key is dropped when nothing of it is read).
        var boundaries = frame is null
            ? $"""
              select q.*, k.gone from (
                select distinct on (stream_id, layer) seq, layer, geom is null gone from {s}.{v}
                where layer = any(@boundaryLayers) and effective_date <= @asOf and recorded_at <= @knownAt and {Inside(b)}
                order by stream_id, layer, effective_date desc, seq desc) k
              left join {s}.{v} q on q.seq = k.seq and q.layer = k.layer
              """
            : $"""
              select q.*, q.geom is null gone from (select distinct c.stream_id, c.layer from {s}.{v} c
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
              from boundaries x where not x.gone
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
