using Ledger.Api.Http;

namespace Ledger.Api.Hosting;

/// <summary>
/// With shards (<c>LEDGER_SHARDS_FILE</c>), what still reads the catalogue alone — the workbench —
/// answers 501 rather than pages silently missing the shards' provinces. Everything in the API
/// routes by province or covers every database; national questions it cannot yet put together
/// say so themselves (<see cref="Topology.NotAcrossShards"/>). Without shards this passes everything.
/// </summary>
public sealed class ShardedGate(RequestDelegate next, Topology topology)
{
    public Task InvokeAsync(HttpContext http)
    {
        if (!topology.Sharded || !CatalogueOnly(http.Request.Path.Value ?? "")) return next(http);
        return Problems.Of(http, 501, "Not available across shards yet",
                $"{http.Request.Method} {http.Request.Path} reads or writes the catalogue database only, and this ledger keeps provinces in shards " +
                "(LEDGER_SHARDS_FILE); see docs/operations.md, \"National topology\", for what is available")
            .ExecuteAsync(http);
    }

    private static bool CatalogueOnly(string path) =>
        !(path.StartsWith("/api/", StringComparison.Ordinal) || path.StartsWith("/health", StringComparison.Ordinal)
             || path == "/openapi/v1.json" || path.StartsWith("/docs", StringComparison.Ordinal));
}
