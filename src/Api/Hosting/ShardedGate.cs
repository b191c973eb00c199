using Ledger.Api.Http;

namespace Ledger.Api.Hosting;

/// <summary>
/// With shards (<c>LEDGER_SHARDS_FILE</c>), only what already reads and writes every database
/// answers: ingest (routed by province), keys, verify (every database), balance sheets (routed,
/// or summed for the nation) and health. Everything else still reads the catalogue alone, so it
/// answers 501 rather than a figure silently missing the shards' provinces. Issue 12 moves the
/// rest across. Without shards this passes everything.
/// </summary>
public sealed class ShardedGate(RequestDelegate next, Topology topology)
{
    private static readonly (string Method, string Prefix, bool Exact)[] Open =
    [
        ("GET", "/health", false), ("POST", "/api/v1/events", true), ("POST", "/api/v1/events/bulk", true),
        ("POST", "/api/v1/admin/keys", true), ("DELETE", "/api/v1/admin/keys/", false), ("GET", "/api/v1/ledger/verify", true),
        ("GET", "/openapi/v1.json", true), ("GET", "/docs", false),
    ];

    public Task InvokeAsync(HttpContext http)
    {
        if (!topology.Sharded || IsOpen(http.Request.Method, http.Request.Path.Value ?? "")) return next(http);
        return Problems.Of(http, 501, "Not available across shards yet",
                $"{http.Request.Method} {http.Request.Path} reads the catalogue database only, and this ledger keeps provinces in shards " +
                "(LEDGER_SHARDS_FILE): available today are ingest, keys, verify, balance sheets and health")
            .ExecuteAsync(http);
    }

    private static bool IsOpen(string method, string path) =>
        Open.Any(o => o.Method == method && (o.Exact ? path == o.Prefix : path.StartsWith(o.Prefix, StringComparison.Ordinal)))
        || (method == "GET" && path.StartsWith("/api/v1/regions/", StringComparison.Ordinal)
            && (path.EndsWith("/balance-sheet", StringComparison.Ordinal) || path.EndsWith("/balance-sheet/annual", StringComparison.Ordinal)));
}
