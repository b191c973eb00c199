using Ledger.Api.Hosting;
using Ledger.Api.Http;
using Ledger.Api.Map;
using Ledger.Spatial;
using NodaTime;

namespace Ledger.Api.Ogc;

/// <summary>
/// Contract 1.7: an OGC API – Features service per region at <c>/api/v1/regions/{code}/ogc</c>,
/// so the ledger's layers open directly in QGIS, ArcGIS, SuperMap and GDAL. Every resource answers
/// HEAD as well as GET. Role and scope are checked first, as on the map; then the parameters.
/// </summary>
public static class OgcEndpoints
{
    public const string Root = "/api/v1/regions/{code}/ogc";

    public static readonly string[] ConformsTo =
    [
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
        "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    ];

    private static readonly string[] GetAndHead = [HttpMethods.Get, HttpMethods.Head];

    public static void MapOgc(this WebApplication app)
    {
        var ogc = app.MapGroup(Root).ExcludeFromDescription();
        // Routing matches the root with or without its trailing slash.
        ogc.MapMethods("", GetAndHead, Landing);
        ogc.MapMethods("/conformance", GetAndHead, Conformance);
        ogc.MapMethods("/collections", GetAndHead, Collections);
        ogc.MapMethods("/collections/{collectionId}", GetAndHead, Collection);
        ogc.MapMethods("/collections/{collectionId}/items", GetAndHead, OgcItems.Items);
        ogc.MapMethods("/collections/{collectionId}/items/{featureId}", GetAndHead, OgcItems.Item);
    }

    private static async Task<IResult> Landing(HttpContext http, string code, Topology topology, IClock clock, CancellationToken ct)
    {
        if (await Checked(http, code, OgcParameters.ViewNames, topology, clock, ct) is { Problem: { } problem }) return problem;
        var root = OgcLinks.Root(http, code);
        var origin = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}";
        return OgcResponse.Of(new
        {
            title = $"Land-resource ledger, region {code}",
            description = "The ledger's map layers as OGC API – Features (Part 1 core and GeoJSON, Part 2 CRS): boundaries in force on a day " +
                          "(datetime) as known at an instant (knownAt), in CRS84 or CGCS2000 (EPSG:4490)",
            links = new[]
            {
                OgcLinks.Link(OgcLinks.WithView(http, root), "self", OgcResponse.Json, "This document"),
                OgcLinks.Link($"{origin}/openapi/v1.json", "service-desc", "application/vnd.oai.openapi+json;version=3.1", "The API definition (OpenAPI 3.1)"),
                OgcLinks.Link($"{origin}/docs", "service-doc", "text/html", "The API documentation"),
                OgcLinks.Link($"{root}/conformance", "conformance", OgcResponse.Json, "Conformance classes"),
                OgcLinks.Link($"{root}/conformance", "http://www.opengis.net/def/rel/ogc/1.0/conformance", OgcResponse.Json, "Conformance classes"),
                OgcLinks.Link(OgcLinks.WithView(http, $"{root}/collections"), "data", OgcResponse.Json, "The map layers"),
                OgcLinks.Link(OgcLinks.WithView(http, $"{root}/collections"), "http://www.opengis.net/def/rel/ogc/1.0/data", OgcResponse.Json, "The map layers"),
            },
        });
    }

    private static async Task<IResult> Conformance(HttpContext http, string code, Topology topology, IClock clock, CancellationToken ct) =>
        await Checked(http, code, OgcParameters.ViewNames, topology, clock, ct) is { Problem: { } problem }
            ? problem
            : OgcResponse.Of(new { conformsTo = ConformsTo });

    private static async Task<IResult> Collections(HttpContext http, string code, Topology topology, MapWork work, IClock clock, CancellationToken ct)
    {
        var view = await Checked(http, code, OgcParameters.ViewNames, topology, clock, ct);
        if (view.Problem is { } problem) return problem;
        return await work.RunAsync(http, async () =>
        {
            var extents = await ExtentsAsync(topology, work, code, view.KnownAt, ct);
            return OgcResponse.Of(new
            {
                links = new[] { OgcLinks.Link(OgcLinks.Self(http), "self", OgcResponse.Json, "The map layers") },
                crs = OgcCrs.Supported,
                collections = OgcCollections.All.Keys.Select(id => OgcCollections.Describe(http, code, id, Extent(extents, id), MapEndpoints.LedgerZone)),
            });
        }, ct);
    }

    private static async Task<IResult> Collection(HttpContext http, string code, string collectionId, Topology topology, MapWork work, IClock clock,
        CancellationToken ct)
    {
        var view = await Checked(http, code, OgcParameters.ViewNames, topology, clock, ct);
        if (view.Problem is { } problem) return problem;
        if (UnknownCollection(http, collectionId) is { } unknown) return unknown;
        return await work.RunAsync(http, async () =>
        {
            var extents = await ExtentsAsync(topology, work, code, view.KnownAt, ct);
            return OgcResponse.Of(OgcCollections.Describe(http, code, collectionId, Extent(extents, collectionId), MapEndpoints.LedgerZone));
        }, ct);
    }

    /// <summary>What every resource checks, in the map's order: role and scope, then parameters, then that the region exists.</summary>
    internal sealed record View(IResult? Problem, ValidWindow Window, Instant KnownAt);

    internal static async Task<View> Checked(HttpContext http, string code, IReadOnlyCollection<string> allowed, Topology topology, IClock clock,
        CancellationToken ct, Action<OgcParameters>? more = null)
    {
        var now = clock.GetCurrentInstant();
        var q = new OgcParameters(http, allowed);
        if (MapEndpoints.Denied(http, code) is { } denied) return new View(denied, ValidWindow.Day(default), now);
        q.Format();
        var window = q.Window(now, MapEndpoints.LedgerZone);
        var knownAt = q.KnownAt(now);
        more?.Invoke(q);
        // The map's region check adds its own error to the same list, so a bad code and a bad parameter are refused together.
        var withRegion = new QueryParameters(http);
        withRegion.Errors.AddRange(q.Errors);
        return new View(await MapEndpoints.Invalid(http, code, withRegion, topology, ct), window, knownAt);
    }

    internal static IResult? UnknownCollection(HttpContext http, string collectionId) => OgcCollections.All.ContainsKey(collectionId)
        ? null
        : Problems.NotFound(http, $"there is no collection '{Ingest.BatchParser.Clip(collectionId)}'; the collections are: {string.Join(", ", OgcCollections.All.Keys)}");

    private static async Task<IReadOnlyDictionary<string, (BoundingBox? Box, LocalDate? First)>[]> ExtentsAsync(Topology topology, MapWork work, string code,
        Instant knownAt, CancellationToken ct) =>
        await topology.EachAsync(topology.Holding(code), (d, _) => new FeatureQuery(d.Db, work.Limits).ExtentsAsync(code, knownAt, ct));

    /// <summary>One layer's extent over every database: the union of the boxes, the earliest first date.</summary>
    private static (BoundingBox?, LocalDate?)? Extent(IReadOnlyDictionary<string, (BoundingBox? Box, LocalDate? First)>[] perDatabase, string layer)
    {
        var found = perDatabase.Where(e => e.ContainsKey(layer)).Select(e => e[layer]).ToList();
        if (found.Count == 0) return null;
        return (BoundingBox.Union(found.Select(f => f.Box)), found.Min(f => f.First));
    }
}
