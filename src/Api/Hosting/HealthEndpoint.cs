using Ledger.Api.Http;
using Npgsql;
using Wolverine.Http;

namespace Ledger.Api.Hosting;

public static class HealthEndpoint
{
    /// <summary>200 once the service can accept events: the database answers.</summary>
    [WolverineGet("/health")]
    public static async Task<IResult> Get(HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        try
        {
            await using var cmd = db.CreateCommand("select 1");
            await cmd.ExecuteScalarAsync(ct);
            return Results.Json(new { status = "ok" }, LedgerJson.Options);
        }
        catch (Exception e) when (Topology.Unreachable(e))
        {
            return Problems.Of(http, 503, "Database unavailable", "the ledger cannot reach its database");
        }
    }
}
