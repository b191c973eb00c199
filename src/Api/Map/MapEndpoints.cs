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
        if (topology.Single(code) is not { } shard) return Topology.NotAcrossShards(http, "the overlap list");
        if (await Invalid(http, code, q, shard.Store, ct) is { } problem) return problem;

        var list = await new OverlapQuery(shard.Db).ListAsync(code, from, to, knownAt, ct);
        return Results.Json(new { region = code, knownAt, overlaps = list }, LedgerJson.Options);
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
        if (topology.Single(code) is not { } shard) return Topology.NotAcrossShards(http, "the map");
        if (await Invalid(http, code, q, shard.Store, ct) is { } problem) return problem;

        var json = await new MapQuery(shard.Db).FeatureCollectionAsync(new MapRequest(code, layers, asOf, knownAt, bbox), ct);
        return Results.Text(json, "application/geo+json");
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
        if (topology.Single(code) is not { } shard) return Topology.NotAcrossShards(http, "the map");
        if (await Invalid(http, code, q, shard.Store, ct) is { } problem) return problem;

        var tile = await new MapQuery(shard.Db).TileAsync(new MapRequest(code, layers, asOf, knownAt, null), zoom!.Value, column!.Value, row!.Value, ct);
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

    private static async Task<IResult?> Invalid(HttpContext http, string code, QueryParameters q, IDocumentStore store, CancellationToken ct)
    {
        if (!RegionCodes.IsWellFormed(code)) q.Errors.Add(new ItemError("code", "must be a six-digit GB/T 2260 region code (000000 = the nation)"));
        if (q.Errors.Count > 0) return Problems.Validation(http, q.Errors);
        if (code == RegionCodes.Nation) return null;
        await using var session = store.QuerySession();
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
