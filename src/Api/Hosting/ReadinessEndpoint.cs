using Ledger.Api.Http;
using Ledger.Chain;
using Ledger.Storage;
using Npgsql;
using Wolverine.Http;

namespace Ledger.Api.Hosting;

public static class ReadinessEndpoint
{
    /// <summary>
    /// Readiness: the database answers, and the projections and chain are level with the events.
    /// Projections are written in the ingest transaction (no daemon), so "behind" means something
    /// wrote around the service. 503 when not ready.
    /// </summary>
    [WolverineGet("/health/ready")]
    public static async Task<IResult> Get(HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        try
        {
            var s = LedgerStore.Schema;
            await using var cmd = db.CreateCommand($"""
                select (select coalesce(max(seq_id), 0) from {s}.mt_events e where not {MartenTombstones.Is()}),
                       (select coalesce(max(seq), 0) from {s}.{ChainTables.Links}),
                       (select coalesce(max(seq), 0) from {s}.event_index),
                       (select max(signed_at) from {s}.{ChainTables.Checkpoints})
                """);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            await r.ReadAsync(ct);
            var (events, chained, indexed) = (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2));
            var lastCheckpoint = r.IsDBNull(3) ? (DateTimeOffset?)null : r.GetFieldValue<DateTimeOffset>(3);
            var level = chained == events && indexed == events;
            return Results.Json(new
            {
                status = level ? "ready" : "degraded",
                database = "ok",
                highWaterSequence = events,
                chainHeadSequence = chained,
                projections = new { mode = "inline (written in the ingest transaction)", indexedSequence = indexed, behind = events - indexed },
                lastCheckpoint,
            }, LedgerJson.Options, statusCode: level ? 200 : 503);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return Problems.Of(http, 503, "Database unavailable", "the ledger cannot reach its database");
        }
    }
}
