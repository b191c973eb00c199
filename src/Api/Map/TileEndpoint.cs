using System.Globalization;
using Ledger.Api.Hosting;
using Ledger.Api.Http;
using Ledger.Ingest;
using Ledger.Spatial;
using NodaTime;
using Wolverine.Http;

namespace Ledger.Api.Map;

/// <summary>
/// The same layers as <c>/map</c>, as Mapbox vector tiles for the workbench's map (Web Mercator
/// z/x/y; drawing only — every figure stays in EPSG:4490). 204 when nothing meets the tile. Tiles
/// of zoom 7 and below come from <see cref="TileCache"/> when the ledger has not changed since.
/// </summary>
public static class TileEndpoint
{
    public const string ContentType = "application/vnd.mapbox-vector-tile";

    [WolverineGet("/api/v1/regions/{code}/tiles/{z}/{x}/{y}.mvt")]
    public static async Task<IResult> Tile(HttpContext http, string code, string z, string x, string y, Topology topology, MapWork work,
        TileCache cache, IClock clock, CancellationToken ct)
    {
        if (MapEndpoints.Denied(http, code) is { } denied) return denied;
        var q = new QueryParameters(http);
        var now = clock.GetCurrentInstant();
        var layers = MapEndpoints.Layers(http, q);
        var asOf = q.Date("asOf") ?? now.InZone(MapEndpoints.LedgerZone).Date;
        var knownAt = q.Instant("knownAt") ?? now;
        var zoom = Number(q, "z", z, 0, 22);
        var max = zoom is { } zz ? (1 << zz) - 1 : int.MaxValue;
        var (column, row) = (Number(q, "x", x, 0, max), Number(q, "y", y, 0, max));
        if (await MapEndpoints.Invalid(http, code, q, topology, ct) is { } problem) return problem;

        var request = new MapRequest(code, layers, asOf, knownAt, null);
        var (databases, limits, (tz, tx, ty)) = (topology.Holding(code), work.Limits, (zoom!.Value, column!.Value, row!.Value));
        return await work.TimedAsync(http, async () =>
        {
            string? key = null;
            if (TileCache.Caches(tz))
            {
                var known = await topology.EachAsync(databases, (d, _) => new TileQuery(d.Db, limits).KnowledgeAsync(knownAt, ct));
                key = TileCache.Key(request, tz, tx, ty, known);
                if (cache.TryGet(key, out var hit)) return Answer(hit);
            }
            return await work.RunAsync(http, async () =>
            {
                if (key is null) return Answer((await ReadAsync(topology, databases, limits, request, tz, tx, ty, ct)).Tile);
                // Kept under what the read itself saw (its snapshot), which may be newer than the key looked up above.
                return Answer(await cache.ReadOnceAsync(key, async () =>
                {
                    var (tile, known) = await ReadAsync(topology, databases, limits, request, tz, tx, ty, ct);
                    return (tile, TileCache.Key(request, tz, tx, ty, known));
                }, ct));
            }, ct);
        });
    }

    private static IResult Answer(byte[] tile) => tile.Length == 0 ? Results.NoContent() : Results.Bytes(tile, ContentType);

    private static async Task<(byte[] Tile, IEnumerable<KnowledgePoint> Known)> ReadAsync(Topology topology, IReadOnlyList<LedgerShard> databases,
        MapLimits limits, MapRequest request, int z, int x, int y, CancellationToken ct)
    {
        if (databases is [var only])
        {
            var tile = await new TileQuery(topology.Usable(only).Db, limits).TileAsync(request, z, x, y, ct);
            return (tile.Mvt, [tile.Known]);
        }
        // A tile may not repeat a layer, so the databases' shapes are encoded together, once, in the catalogue.
        var shapes = await topology.EachAsync(databases, (d, _) => new TileQuery(d.Db, limits).ShapesAsync(request, z, x, y, ct));
        var encoded = await topology.EachAsync([topology.Catalogue], (d, _) => new TileQuery(d.Db, limits).EncodeAsync([.. shapes.SelectMany(s => s.Shapes)], ct));
        return (encoded[0], shapes.Select(s => s.Known));
    }

    private static int? Number(QueryParameters q, string name, string raw, int min, int max)
    {
        if (int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max) return n;
        q.Errors.Add(new ItemError(name, $"must be a whole number from {min} to {max}" + (name == "z" ? "" : " at this zoom")));
        return null;
    }
}
