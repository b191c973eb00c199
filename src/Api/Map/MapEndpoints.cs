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

/// <summary>
/// Contract 1.1: the overlaps the ledger found, and the map layers, both as of a date and as known
/// at an instant; each answer bounded by <see cref="MapLimits"/> (docs/map.md#bounds).
/// </summary>
public static class MapEndpoints
{
    internal static readonly DateTimeZone LedgerZone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    [WolverineGet("/api/v1/regions/{code}/overlaps")]
    public static async Task<IResult> Overlaps(HttpContext http, string code, Topology topology, MapWork work, IClock clock, CancellationToken ct)
    {
        if (Denied(http, code) is { } denied) return denied;
        var q = new QueryParameters(http);
        var from = q.Date("from");
        var to = q.Date("to");
        var knownAt = q.Instant("knownAt") ?? clock.GetCurrentInstant();
        if (from > to) q.Errors.Add(new ItemError("to", "must not be before from"));
        if (await Invalid(http, code, q, topology, ct) is { } problem) return problem;

        // The nation's with shards: every database's, in database order (an overlap's id is unique anyway); the cap is on their sum.
        return await work.RunAsync(http, async () =>
        {
            var lists = await topology.EachAsync(topology.Holding(code), (d, _) => new OverlapQuery(d.Db, work.Limits).ListAsync(code, from, to, knownAt, ct));
            var count = lists.Sum(l => (long)l.Count);
            return count > work.Limits.MaxFeatures
                ? MapRefusals.TooManyOverlaps(http, work.Limits, count)
                : Results.Json(new { region = code, knownAt, overlaps = lists.SelectMany(l => l) }, LedgerJson.Options);
        }, ct);
    }

    [WolverineGet("/api/v1/regions/{code}/map")]
    public static async Task<IResult> Map(HttpContext http, string code, Topology topology, MapWork work, IClock clock, CancellationToken ct)
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
        var (databases, limits) = (topology.Holding(code), work.Limits);
        return await work.RunAsync(http, async () =>
        {
            // With shards the cap is on the sum: every database counts first, so none builds features the others' make too many.
            if (databases.Count > 1
                && (await topology.EachAsync(databases, (d, _) => new MapQuery(d.Db, limits).CountAsync(request, ct))).Sum(n => (long)n) is var counted
                && counted > limits.MaxFeatures)
                return MapRefusals.TooManyFeatures(http, limits, counted, request);
            var answers = await topology.EachAsync(databases, (d, _) => new MapQuery(d.Db, limits).FeatureCollectionAsync(request, ct));
            var (features, bytes) = (answers.Sum(a => (long)a.Features), answers.Sum(a => a.Bytes));
            if (features > limits.MaxFeatures) return MapRefusals.TooManyFeatures(http, limits, features, request);
            if (bytes > limits.MaxBytes || answers.Any(a => a.Json is null)) return MapRefusals.TooManyBytes(http, limits, bytes, request);
            var collections = answers.Select(a => a.Json!).ToArray();
            return Results.Text(collections.Length == 1 ? collections[0] : FeatureCollections.Join(collections), "application/geo+json");
        }, ct);
    }

    /// <summary>Role and scope come first: a client learns nothing about a region it may not see, not even which parameters it got wrong.</summary>
    internal static IResult? Denied(HttpContext http, string code)
    {
        if (http.Require(Role.Auditor) is { } denied) return denied;
        return http.Client().CanSee(code) ? null : Problems.Forbidden(http, $"region {code} is outside the client's scope {http.Client().Scope}");
    }

    internal static async Task<IResult?> Invalid(HttpContext http, string code, QueryParameters q, Topology topology, CancellationToken ct)
    {
        if (!RegionCodes.IsWellFormed(code)) q.Errors.Add(new ItemError("code", "must be a six-digit GB/T 2260 region code (000000 = the nation)"));
        if (q.Errors.Count > 0) return Problems.Validation(http, q.Errors);
        if (code == RegionCodes.Nation) return null;
        await using var session = topology.For(code).Store.QuerySession();
        return await session.LoadAsync<RegionState>(EventCatalog.StreamId("region", code), ct) is null
            ? Problems.NotFound(http, $"region {code} is not registered")
            : null;
    }

    internal static IReadOnlyList<string> Layers(HttpContext http, QueryParameters q)
    {
        if (http.Request.Query["layers"].ToString() is not { Length: > 0 } raw) return Spatial.Layers.Map;
        var asked = raw.Split(',');
        var unknown = asked.Where(l => !Spatial.Layers.Map.Contains(l)).ToList();
        if (unknown.Count > 0)
            q.Errors.Add(new ItemError("layers", $"unknown layer '{BatchParser.Clip(unknown[0])}'; layers is a comma-separated list of: " +
                                                 string.Join(", ", Spatial.Layers.Map)));
        return asked.Distinct().ToList();
    }

    internal static BoundingBox? Bbox(HttpContext http, QueryParameters q)
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
