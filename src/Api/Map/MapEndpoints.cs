using System.Globalization;
using Ledger.Access;
using Ledger.Api.Access;
using Ledger.Api.Hosting;
using Ledger.Api.Http;
using Ledger.Events;
using Ledger.Ingest;
using Ledger.Regions;
using Ledger.Spatial;
using Marten;
using NodaTime;
using Wolverine.Http;

namespace Ledger.Api.Map;

/// <summary>Contract 1.1: the overlaps the ledger found, and the map layers, both as of a date and as known at an instant.</summary>
public static class MapEndpoints
{
    private static readonly DateTimeZone LedgerZone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    [WolverineGet("/api/v1/regions/{code}/overlaps")]
    public static async Task<IResult> Overlaps(HttpContext http, string code, Topology topology, IClock clock, CancellationToken ct)
    {
        if (Denied(http, code) is { } denied) return denied;
        var q = new QueryParameters(http);
        var from = q.Date("from");
        var to = q.Date("to");
        var knownAt = q.Instant("knownAt") ?? clock.GetCurrentInstant();
        if (from > to) q.Errors.Add(new ItemError("to", "must not be before from"));
        if (await Invalid(http, code, q, topology, ct) is { } problem) return problem;

        // The nation's with shards: every database's, in database order (an overlap's id is unique anyway).
        var lists = await topology.EachAsync(topology.Holding(code), (d, _) => new OverlapQuery(d.Db).ListAsync(code, from, to, knownAt, ct));
        return Results.Json(new { region = code, knownAt, overlaps = lists.SelectMany(l => l) }, LedgerJson.Options);
    }

    [WolverineGet("/api/v1/regions/{code}/map")]
    public static async Task<IResult> Map(HttpContext http, string code, Topology topology, IClock clock, CancellationToken ct)
    {
        if (Denied(http, code) is { } denied) return denied;
        var q = new QueryParameters(http);
        var now = clock.GetCurrentInstant();
        var layers = Layers(http, q);
        var asOf = q.Date("asOf") ?? now.InZone(LedgerZone).Date;
        var knownAt = q.Instant("knownAt") ?? now;
        var bbox = Bbox(http, q);
        if (await Invalid(http, code, q, topology, ct) is { } problem) return problem;

        var request = new MapRequest(code, layers, asOf, knownAt, bbox);
        var collections = await topology.EachAsync(topology.Holding(code), (d, _) => new MapQuery(d.Db).FeatureCollectionAsync(request, ct));
        return Results.Text(collections.Length == 1 ? collections[0] : FeatureCollections.Join(collections), "application/geo+json");
    }

    public const string TileContentType = "application/vnd.mapbox-vector-tile";

    /// <summary>
    /// The same layers as <c>/map</c>, as Mapbox vector tiles for the workbench's map (Web Mercator
    /// z/x/y; drawing only — every figure stays in EPSG:4490). 204 when nothing meets the tile.
    /// </summary>
    [WolverineGet("/api/v1/regions/{code}/tiles/{z}/{x}/{y}.mvt")]
    public static async Task<IResult> Tile(HttpContext http, string code, string z, string x, string y, Topology topology, IClock clock,
        CancellationToken ct)
    {
        if (Denied(http, code) is { } denied) return denied;
        var q = new QueryParameters(http);
        var now = clock.GetCurrentInstant();
        var layers = Layers(http, q);
        var asOf = q.Date("asOf") ?? now.InZone(LedgerZone).Date;
        var knownAt = q.Instant("knownAt") ?? now;
        var zoom = TileNumber(q, "z", z, 0, 22);
        var max = zoom is { } zz ? (1 << zz) - 1 : int.MaxValue;
        var (column, row) = (TileNumber(q, "x", x, 0, max), TileNumber(q, "y", y, 0, max));
        if (await Invalid(http, code, q, topology, ct) is { } problem) return problem;

        var request = new MapRequest(code, layers, asOf, knownAt, null);
        var databases = topology.Holding(code);
        byte[] tile;
        if (databases is [var only])
            tile = await new MapQuery(topology.Usable(only).Db).TileAsync(request, zoom!.Value, column!.Value, row!.Value, ct);
        else
        {
            // A tile may not repeat a layer, so the databases' shapes are encoded together, once, in the catalogue.
            var shapes = await topology.EachAsync(databases, (d, _) => new MapQuery(d.Db).TileShapesAsync(request, zoom!.Value, column!.Value, row!.Value, ct));
            tile = (await topology.EachAsync([topology.Catalogue], (d, _) => MapQuery.EncodeTileAsync(d.Db, [.. shapes.SelectMany(s => s)], ct)))[0];
        }
        return tile.Length == 0 ? Results.NoContent() : Results.Bytes(tile, TileContentType);
    }

    private static int? TileNumber(QueryParameters q, string name, string raw, int min, int max)
    {
        if (int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max) return n;
        q.Errors.Add(new ItemError(name, $"must be a whole number from {min} to {max}" + (name == "z" ? "" : " at this zoom")));
        return null;
    }

    /// <summary>Role and scope come first: a client learns nothing about a region it may not see, not even which parameters it got wrong.</summary>
    private static IResult? Denied(HttpContext http, string code)
    {
        if (http.Require(Role.Auditor) is { } denied) return denied;
        return http.Client().CanSee(code) ? null : Problems.Forbidden(http, $"region {code} is outside the client's scope {http.Client().Scope}");
    }

    private static async Task<IResult?> Invalid(HttpContext http, string code, QueryParameters q, Topology topology, CancellationToken ct)
    {
        if (!RegionCodes.IsWellFormed(code)) q.Errors.Add(new ItemError("code", "must be a six-digit GB/T 2260 region code (000000 = the nation)"));
        if (q.Errors.Count > 0) return Problems.Validation(http, q.Errors);
        if (code == RegionCodes.Nation) return null;
        await using var session = topology.For(code).Store.QuerySession();
        return await session.LoadAsync<RegionState>(EventCatalog.StreamId("region", code), ct) is null
            ? Problems.NotFound(http, $"region {code} is not registered")
            : null;
    }

    private static IReadOnlyList<string> Layers(HttpContext http, QueryParameters q)
    {
        if (http.Request.Query["layers"].ToString() is not { Length: > 0 } raw) return Spatial.Layers.Map;
        var asked = raw.Split(',');
        var unknown = asked.Where(l => !Spatial.Layers.Map.Contains(l)).ToList();
        if (unknown.Count > 0)
            q.Errors.Add(new ItemError("layers", $"unknown layer '{BatchParser.Clip(unknown[0])}'; layers is a comma-separated list of: " +
                                                 string.Join(", ", Spatial.Layers.Map)));
        return asked.Distinct().ToList();
    }

    private static BoundingBox? Bbox(HttpContext http, QueryParameters q)
    {
        if (http.Request.Query["bbox"].ToString() is not { Length: > 0 } raw) return null;
        var parts = raw.Split(',');
        var numbers = parts.Select(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : (double?)null).ToList();
        if (parts.Length != 4 || numbers.Any(n => n is null))
        {
            q.Errors.Add(new ItemError("bbox", "must be four numbers west,south,east,north in degrees (CGCS2000 longitude/latitude)"));
            return null;
        }
        var box = new BoundingBox(numbers[0]!.Value, numbers[1]!.Value, numbers[2]!.Value, numbers[3]!.Value);
        if (box.West is < -180 or > 180 || box.East is < -180 or > 180 || box.South is < -90 or > 90 || box.North is < -90 or > 90)
            q.Errors.Add(new ItemError("bbox", "longitudes must lie in -180–180 and latitudes in -90–90"));
        else if (box.West >= box.East || box.South >= box.North)
            q.Errors.Add(new ItemError("bbox", "west must be less than east and south less than north"));
        return box;
    }
}
