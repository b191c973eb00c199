using System.Diagnostics;
using Ledger.Events;
using Ledger.Regions;
using Ledger.Storage;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace Ledger.Spatial;

/// <summary>
/// The valid-time window of an OGC <c>datetime</c>, as ledger dates: one day (an instant), or an
/// interval whose ends may be open (null). A feature belongs to it when it was in force on any day of it.
/// </summary>
public sealed record ValidWindow(LocalDate? Start, LocalDate? End)
{
    public static ValidWindow Day(LocalDate d) => new(d, d);
}

/// <summary>
/// One page of a collection: features matched in all (exact), the page's features as GeoJSON text in id order, the chain head it
/// was read through, and where its time went in milliseconds (<see cref="Timings"/>).
/// </summary>
public sealed record FeaturePage(long Matched, IReadOnlyList<FeatureRow> Features, long Head, FeatureTimings Timings);

/// <summary>
/// A page's read in parts: the territory, head and collation (<paramref name="Setup"/>), the page's statement up to its last row
/// (<paramref name="Page"/>), the count (<paramref name="Count"/>, 0 when taken from the request or the page itself).
/// </summary>
public sealed record FeatureTimings(double Setup, double Page, double Count);

/// <summary>A feature's id (the key pages are ordered by) and its GeoJSON Feature text.</summary>
public sealed record FeatureRow(string Id, string Json);

/// <summary>
/// What a collection page asks: the layer, the window, the knowledge instant, a box in lon/lat, the key after which to start,
/// how many; the chain position the first page was read through (null: the database's head now), and the count that
/// page found (null: count now).
/// </summary>
public sealed record FeatureRequest(string Region, string Layer, ValidWindow Window, Instant KnownAt, BoundingBox? Bbox, bool LatitudeFirst,
    string? After, int Limit, string? Id = null, long? Head = null, long? Matched = null);

/// <summary>
/// The OGC API – Features items of one map layer (contract 1.7): the same features as the map
/// (<see cref="MapQuery"/>) for a day, and for an interval each stream's last version in force
/// within it, with <c>validFrom</c>, <c>validTo</c> (the next version's date, as known then) and
/// <c>recordedAt</c>. Pages are keyset pages ordered by feature id (byte order), so a page never
/// shifts when features are added before it; with a pinned <c>knownAt</c> and chain head nothing is added at all.
/// The head matters because a batch takes its recorded instant before it commits: one recorded before
/// <c>knownAt</c> may commit after the first page was read. The chain is extended in commit order under one
/// lock, so the events committed by then are exactly those linked at or below the head (events without a
/// link, from before the chain, count as known).
/// </summary>
public sealed class FeatureQuery(NpgsqlDataSource db, MapLimits limits)
{
    /// <summary>
    /// The page and the count in one read-only snapshot; at most <see cref="FeatureRequest.Limit"/> + 1 rows (one past: more follow).
    /// The count is the request's when it brings one (later pages of a pinned walk: it cannot have changed), the page's own when
    /// the page holds everything, and otherwise counted apart, reading no geometry.
    /// </summary>
    public Task<FeaturePage> PageAsync(FeatureRequest request, CancellationToken ct) =>
        BoundedRead.RunAsync(db, limits.Timeout, async conn =>
        {
            var started = Stopwatch.GetTimestamp();
            var territory = await MapQuery.TerritoryAsync(conn, request.Region, request.Window.End ?? LocalDate.MaxIsoValue, request.KnownAt, ct);
            var head = request.Head ?? await HeadAsync(conn, ct);
            var bytewise = await SortsBytewiseAsync(db, conn, ct);
            var setup = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            // Only the page's rows are read past the key and turned into GeoJSON: without a box, a boundary layer's streams are
            // read in key order from the stream index and the limit stops the read (PostgreSQL builds the output after the limit).
            var inIndexOrder = request.Bbox is null && bytewise && request.Layer is not (Layers.Footprints or Layers.Overlaps);
            if (inIndexOrder) await SetAsync(conn, "off", ct);
            await using var cmd = Command(conn, request, head, bytewise, territory, $"""
                select fid, json_build_object('type', 'Feature', 'id', fid, 'geometry', ST_AsGeoJSON({Geometry(request)})::json, 'properties', props)::text
                from features order by k limit @limit
                """);
            cmd.Parameters.AddWithValue("limit", request.Limit + 1L);
            var rows = new List<FeatureRow>();
            await using (var r = await cmd.ExecuteReaderAsync(ct))
                while (await r.ReadAsync(ct))
                    rows.Add(new FeatureRow(r.GetString(0), r.GetString(1)));
            if (inIndexOrder) await SetAsync(conn, "on", ct);
            var page = Stopwatch.GetElapsedTime(started).TotalMilliseconds - setup;
            var whole = request.After is null && rows.Count <= request.Limit;
            var matched = request.Matched ?? (whole ? rows.Count : await CountAsync(conn, request with { After = null }, head, bytewise, territory, ct));
            return new FeaturePage(matched, rows, head, new FeatureTimings(setup, page, Stopwatch.GetElapsedTime(started).TotalMilliseconds - setup - page));
        }, ct);

    /// <summary>
    /// Turns sorting and bitmap scans off (or on again) for the page statement of a boundary layer without a box. Its streams are
    /// in <c>ix_geo_versions_stream_order</c>'s order already and the limit stops the read after about a page of them; but the
    /// planner chose a bitmap scan and a sort of every stream after the key whenever it guessed few rows (statistics not yet
    /// gathered after a load) or could not see the key (a prepared statement's generic plan): 70 ms a page at 30,000 parcels,
    /// 110 ms at 100,000, growing with the county. Local to the read's transaction; the count, which reads every stream, plans freely.
    /// </summary>
    private static async Task SetAsync(NpgsqlConnection conn, string value, CancellationToken ct)
    {
        await using var set = new NpgsqlCommand($"set local enable_sort = {value}; set local enable_bitmapscan = {value}", conn);
        await set.ExecuteNonQueryAsync(ct);
    }

    private static async Task<long> CountAsync(NpgsqlConnection conn, FeatureRequest request, long head, bool bytewise,
        Func<string, string, ScopeSql[]> territory, CancellationToken ct)
    {
        await using var count = Command(conn, request, head, bytewise, territory, "select count(*) from features");
        return (long)(await count.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// Whether the database sorts text by its bytes, as the embedded cluster and a <c>LEDGER_DB</c> made as operations.md says do
    /// (decision 41). Pages are in byte order either way; only there is that the stream index's order, so a page is read from the
    /// index up to its limit. An explicit <c>collate "C"</c> is another collation to the planner than a C database's default, and
    /// sorts whole: it is written only under another collation.
    /// </summary>
    /// <remarks>A database's collation is fixed when it is created: asked once per data source, not on every page.</remarks>
    private static async Task<bool> SortsBytewiseAsync(NpgsqlDataSource source, NpgsqlConnection conn, CancellationToken ct)
    {
        if (Bytewise.TryGetValue(source, out var known)) return (bool)known;
        await using var cmd = new NpgsqlCommand("select datcollate in ('C', 'POSIX') from pg_database where datname = current_database()", conn);
        var bytewise = (bool)(await cmd.ExecuteScalarAsync(ct))!;
        Bytewise.AddOrUpdate(source, bytewise);
        return bytewise;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<NpgsqlDataSource, object> Bytewise = new();

    private static async Task<long> HeadAsync(NpgsqlConnection conn, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"select coalesce(max(position), 0) from {LedgerStore.Schema}.{Chain.ChainTables.Links}", conn);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>SQL: the event at <paramref name="seq"/> was committed by the time the chain stood at <c>@head</c>.</summary>
    private static string Committed(string seq) =>
        $"not exists (select 1 from {LedgerStore.Schema}.{Chain.ChainTables.Links} c where c.seq = {seq} and c.position > @head)";

    /// <summary>An instant as ISO-8601 UTC with microseconds, whatever the session's time zone.</summary>
    private static string Utc(string column) => $"to_char({column} at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')";

    private static string Geometry(FeatureRequest request) => request.LatitudeFirst ? "ST_FlipCoordinates(geom)" : "geom";

    /// <summary>
    /// The domain of a boundary layer's streams: GeoProjection draws farmland and permanentBasic from parcels, redline from zones,
    /// mining from rights. One domain a layer, so feature ids (stream keys) sort as their stream ids do.
    /// </summary>
    private static string Domain(string layer) => layer switch
    {
        Layers.RedLine => "redline",
        Layers.Mining => "mining",
        _ => "farmland",
    };

    /// <summary>
    /// The request's features as a CTE <c>features</c> (k: the key pages are ordered by; fid; geom in 4490; props): those
    /// of the layer in force, with its id, in its box and past its key; then <paramref name="select"/>.
    /// </summary>
    /// <remarks>
    /// For a boundary layer the id, the box and the key narrow the streams read before versions are chosen: the one stream,
    /// the streams with a version meeting the box (GiST index), the streams after the key (stream index, in its order).
    /// The choice among a stream's versions is unchanged, as are the checks on the chosen one. The conditions are written
    /// only when asked: a prepared statement's generic plan cannot drop a "@p is null or" branch. A version's place in the box
    /// is tested where it is read, not on the version joined back: there the planner could meet the box through the GiST index
    /// once for every chosen stream (with a stale row estimate it did: 0.85 s for a page of 5,000 parcels). The chosen version is
    /// joined back (it is always there) with a left join on its key, which PostgreSQL drops when nothing of it is read: a count.
    /// </remarks>
    private static NpgsqlCommand Command(NpgsqlConnection conn, FeatureRequest request, long head, bool bytewise, Func<string, string, ScopeSql[]> territory,
        string select)
    {
        string Bytes(string text) => bytewise ? text : $"({text} collate \"C\")";
        var boundary = request.Layer is not (Layers.Footprints or Layers.Overlaps);
        var s = LedgerStore.Schema;
        var v = GeoTables.Versions;
        var (x, xo, po) = (territory("x.", "tx"), territory("x.", "to"), territory("p.", "tp"));
        var props = "'domain', split_part(x.stream_id, ':', 1), 'stream', split_part(x.stream_id, ':', 2), 'version', x.version, " +
                    $"'eventId', x.event_id, 'effectiveDate', x.effective_date, 'recordedAt', {Utc("x.recorded_at")}";
        // A box east of its west edge's antimeridian crossing (west > east, OGC API – Features 7.15.3) is two boxes.
        var box = request.Bbox is null ? null : $"""
            (case when @west <= @east then ST_MakeEnvelope(@west, @south, @east, @north, {Postgis.Srid})
              else ST_Collect(ST_MakeEnvelope(@west, @south, 180, @north, {Postgis.Srid}), ST_MakeEnvelope(-180, @south, @east, @north, {Postgis.Srid})) end)
            """;
        var streams = new List<string> { "true" };
        if (request.Id is not null) streams.Add("x.stream_id = @idStream");
        if (box is not null) streams.Add($"x.stream_id in (select c.stream_id from {s}.{v} c where c.layer = @layer and c.geom && {box})");
        if (request.After is not null) streams.Add($"{Bytes("x.stream_id")} > @after");
        var features = request.Layer switch
        {
            // The stream's version in force at any time within the window, as known then: not a departure from
            // the layer (null geometry), taking effect by the window's end, and not replaced before the window
            // starts nor on its own first day (a version redrawn the same day was never in force); the last such.
            // "Last" is the eligible version no other follows, in the order the first window already sorted by:
            // a distinct on the reverse order sorted every stream after the key again (on disk, 140 ms a page of 100,000).
            Layers.Farmland or Layers.PermanentBasic or Layers.RedLine or Layers.Mining => $"""
                known as (
                  select x.seq, x.stream_id, x.effective_date, x.geom is null gone, {(box is null ? "true" : $"ST_Intersects(x.geom, {box})")} in_box,
                         lead(x.effective_date) over (partition by x.stream_id order by x.effective_date, x.seq) next_date
                  from {s}.{v} x where x.layer = @layer and x.recorded_at <= @knownAt and {Committed("x.seq")} and {MapQuery.Inside(x)}
                    and {string.Join(" and ", streams)}),
                eligible as (
                  select seq, stream_id, next_date, in_box, lead(seq) over (partition by stream_id order by effective_date, seq) is null last
                  from known
                  where not gone and (@end::date is null or effective_date <= @end)
                    and (next_date is null or (next_date > effective_date and (@start::date is null or next_date > @start)))),
                features as (
                  select {Bytes("c.stream_id")} k, split_part(c.stream_id, ':', 2) fid, x.geom, c.in_box,
                         json_build_object('layer', x.layer, {props}, 'areaHa', x.area_ha, 'validFrom', x.effective_date, 'validTo', c.next_date) props
                  from eligible c left join {s}.{v} x on x.seq = c.seq and x.layer = @layer
                  where c.last)
                """,
            // A footprint stays in force from its date: it is land taken (or damaged), the map shows it as such.
            Layers.Footprints => $"""
                features as (
                  select {Bytes("x.event_id::text")} k, x.event_id::text fid, x.geom,
                         json_build_object('layer', x.layer, {props}, 'areaHa', x.area_ha, 'type', x.type, 'validFrom', x.effective_date, 'validTo', null) props
                  from {s}.{v} x where x.layer = @layer and x.recorded_at <= @knownAt and (@end::date is null or x.effective_date <= @end)
                    and {Committed("x.seq")} and {MapQuery.Inside(x)})
                """,
            Layers.Overlaps => $"""
                features as (
                  select {Bytes("o.id::text")} k, o.id::text fid, ST_Multi(ST_CollectionExtract(ST_Intersection(x.geom, p.geom), 3)) geom,
                         json_build_object('layer', '{Layers.Overlaps}', 'domain', split_part(x.stream_id, ':', 1), 'stream', split_part(x.stream_id, ':', 2),
                           'version', x.version, 'eventId', x.event_id, 'effectiveDate', x.effective_date, 'recordedAt', {Utc("o.recorded_at")},
                           'areaHa', o.area_ha, 'id', o.id, 'kind', o.kind, 'protectedLayer', o.layer, 'protectedStream', split_part(p.stream_id, ':', 2),
                           'protectedEventId', p.event_id, 'validFrom', o.effective_date, 'validTo', null) props
                  from {s}.{GeoTables.Overlaps} o
                  join {s}.{v} x on x.seq = o.footprint_seq and x.layer = o.footprint_layer
                  join {s}.{v} p on p.seq = o.protected_seq and p.layer = o.layer
                  where o.recorded_at <= @knownAt and (@end::date is null or o.effective_date <= @end) and {Committed("o.seq")}
                    and ({MapQuery.Inside(xo)} or {MapQuery.Inside(po)})
                    and {OverlapQuery.InForce("o", "p", "@knownAt", Committed)})
                """,
            _ => throw new ArgumentOutOfRangeException(nameof(request), request.Layer, "not a map layer"),
        };
        var kept = new List<string> { "true" };
        if (request.Id is not null) kept.Add("f.fid = @id");
        if (box is not null) kept.Add(boundary ? "f.in_box" : $"ST_Intersects(f.geom, {box})");
        if (request.After is not null) kept.Add("f.k > @after");
        var cmd = new NpgsqlCommand($"""
            with {features},
            kept as (select * from features f where {string.Join(" and ", kept)})
            {select.Replace("from features", "from kept", StringComparison.Ordinal)}
            """, conn);
        // A boundary layer's key is the stream id, in the one domain of its streams.
        string Stream(string key) => EventCatalog.StreamId(Domain(request.Layer), key);
        cmd.Parameters.AddWithValue("layer", request.Layer);
        cmd.Parameters.AddWithValue("head", head);
        cmd.Parameters.AddWithValue("knownAt", request.KnownAt.ToDateTimeUtc());
        cmd.Parameters.AddWithValue("start", NpgsqlDbType.Date, (object?)request.Window.Start?.ToDateOnly() ?? DBNull.Value);
        cmd.Parameters.AddWithValue("end", NpgsqlDbType.Date, (object?)request.Window.End?.ToDateOnly() ?? DBNull.Value);
        if (request.Id is { } id)
        {
            cmd.Parameters.AddWithValue("id", id);
            cmd.Parameters.AddWithValue("idStream", Stream(id));
        }
        if (request.After is { } after) cmd.Parameters.AddWithValue("after", boundary ? Stream(after) : after);
        if (request.Bbox is { } b)
        {
            cmd.Parameters.AddWithValue("west", b.West);
            cmd.Parameters.AddWithValue("south", b.South);
            cmd.Parameters.AddWithValue("east", b.East);
            cmd.Parameters.AddWithValue("north", b.North);
        }
        foreach (var t in new[] { x, xo, po }.SelectMany(t => t)) t.Bind(cmd);
        return cmd;
    }

    /// <summary>Per layer, the box around every geometry the region ever recorded in it and its first effective date, as known at an instant.</summary>
    public Task<IReadOnlyDictionary<string, (BoundingBox? Box, LocalDate? First)>> ExtentsAsync(string region, Instant knownAt, CancellationToken ct) =>
        BoundedRead.RunAsync(db, limits.Timeout, async conn =>
        {
            var territory = await MapQuery.TerritoryAsync(conn, region, LocalDate.MaxIsoValue, knownAt, ct);
            var (x, xo, po) = (territory("x.", "tx"), territory("x.", "to"), territory("p.", "tp"));
            var s = LedgerStore.Schema;
            // An overlap lies in both parties' boxes: the box of the two boxes' intersection holds it, and costs no geometry work.
            await using var cmd = new NpgsqlCommand($"""
                select layer, ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e), first from (
                  select x.layer, ST_Extent(x.geom) e, min(x.effective_date) first from {s}.{GeoTables.Versions} x
                  where x.recorded_at <= @knownAt and x.geom is not null and {MapQuery.Inside(x)} group by x.layer
                  union all
                  select '{Layers.Overlaps}', ST_Extent(ST_Intersection(Box2D(x.geom)::geometry, Box2D(p.geom)::geometry)), min(o.effective_date)
                  from {s}.{GeoTables.Overlaps} o
                  join {s}.{GeoTables.Versions} x on x.seq = o.footprint_seq and x.layer = o.footprint_layer
                  join {s}.{GeoTables.Versions} p on p.seq = o.protected_seq and p.layer = o.layer
                  where o.recorded_at <= @knownAt and ({MapQuery.Inside(xo)} or {MapQuery.Inside(po)})) l
                where first is not null
                """, conn);
            cmd.Parameters.AddWithValue("knownAt", knownAt.ToDateTimeUtc());
            foreach (var t in new[] { x, xo, po }.SelectMany(t => t)) t.Bind(cmd);
            var extents = new Dictionary<string, (BoundingBox?, LocalDate?)>();
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                extents[r.GetString(0)] = (r.IsDBNull(1) ? null : new BoundingBox(r.GetDouble(1), r.GetDouble(2), r.GetDouble(3), r.GetDouble(4)),
                    LocalDate.FromDateOnly(r.GetFieldValue<DateOnly>(5)));
            return (IReadOnlyDictionary<string, (BoundingBox?, LocalDate?)>)extents;
        }, ct);
}
