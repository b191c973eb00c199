using Ledger.Api.Hosting;
using Ledger.Api.Http;
using Ledger.Spatial;
using Ledger.Storage;
using NodaTime;
using NodaTime.Text;
using Wolverine.Http;

namespace Ledger.Api.Map;

/// <summary>
/// Contract 1.7: the map's layers as a GeoPackage, one table per layer in EPSG:4490, for desktop GIS
/// (QGIS, ArcGIS, SuperMap open it directly). The same request as <c>/map</c> (layers, asOf, knownAt,
/// and bbox as an extension), the same features and properties, the same bounds: at most
/// <c>LEDGER_MAP_MAX_FEATURES</c> features and <c>LEDGER_MAP_MAX_MB</c> of geometry, in the key's
/// turn (<see cref="MapWork"/>). The file is written in a scratch folder and deleted once sent.
/// </summary>
public static class ExportEndpoint
{
    public const string ContentType = "application/geopackage+sqlite3";

    [WolverineGet("/api/v1/regions/{code}/export.gpkg")]
    public static async Task<IResult> Export(HttpContext http, string code, Topology topology, MapWork work, IClock clock, CancellationToken ct)
    {
        if (MapEndpoints.Denied(http, code) is { } denied) return denied;
        var q = new QueryParameters(http);
        var now = clock.GetCurrentInstant();
        var layers = MapEndpoints.Layers(http, q);
        var asOf = q.Date("asOf") ?? now.InZone(MapEndpoints.LedgerZone).Date;
        var knownAt = q.Instant("knownAt") ?? now;
        var bbox = MapEndpoints.Bbox(http, q);
        if (await MapEndpoints.Invalid(http, code, q, topology, ct) is { } problem) return problem;

        var request = new MapRequest(code, layers, asOf, knownAt, bbox);
        var (databases, limits) = (topology.Holding(code), work.Limits);
        return await work.RunAsync(http, async () =>
        {
            // With shards the cap is on the sum, as for /map: every database counts before any is read.
            if (databases.Count > 1
                && (await topology.EachAsync(databases, (d, _) => new MapQuery(d.Db, limits).CountAsync(request, ct))).Sum(n => (long)n) is var counted
                && counted > limits.MaxFeatures)
                return MapRefusals.TooManyFeatures(http, limits, counted, request);

            var folder = ScratchFolders.Create("export");
            var path = Path.Combine(folder, "export.gpkg");
            var served = false;
            try
            {
                using (var writer = new GeoPackageWriter(path, layers, new GeoPackageInfo(code, asOf, knownAt, now)))
                {
                    foreach (var database in databases)
                    {
                        var read = await new MapFeatureReader(topology.Usable(database).Db, limits).ReadAsync(request, feature =>
                        {
                            writer.Add(feature);
                            return writer.Features <= limits.MaxFeatures && writer.GeometryBytes <= limits.MaxBytes;
                        }, ct);
                        if (read.OverCap || writer.Features > limits.MaxFeatures)
                            return MapRefusals.TooManyFeatures(http, limits, Math.Max(read.Features, writer.Features), request);
                        if (writer.GeometryBytes > limits.MaxBytes) return MapRefusals.ExportTooLarge(http, limits, writer.GeometryBytes, request);
                    }
                    writer.Complete();
                }
                var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
                http.Response.OnCompleted(() =>
                {
                    Remove(folder);
                    return Task.CompletedTask;
                });
                served = true;
                return Results.File(file, ContentType, FileName(code, asOf, knownAt));
            }
            finally
            {
                if (!served) Remove(folder);
            }
        }, ct);
    }

    /// <summary><c>ledger-410102-2026-03-01-20260301T080000Z.gpkg</c>: the region and both times, so two exports never share a name.</summary>
    private static string FileName(string code, LocalDate asOf, Instant knownAt) =>
        $"ledger-{code}-{LocalDatePattern.Iso.Format(asOf)}-{InstantPattern.CreateWithInvariantCulture("uuuuMMdd'T'HHmmss'Z'").Format(knownAt)}.gpkg";

    private static void Remove(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Swept at the next start (ScratchSweep) if this process is gone by then.
        }
    }
}
