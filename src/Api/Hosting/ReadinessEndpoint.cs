using Ledger.Api.Http;
using Ledger.Chain;
using Ledger.Storage;
using Npgsql;
using Wolverine.Http;

namespace Ledger.Api.Hosting;

public static class ReadinessEndpoint
{
    /// <summary>
    /// Readiness: the database answers, the chain and the event index are level with the events,
    /// and the last derived-table check (<see cref="DerivedCheckService"/>) found no difference.
    /// Projections are written in the ingest transaction (no daemon), so "behind" means something
    /// wrote around the service. 503 with the reasons when not ready. Anyone may ask, so the
    /// answer carries no sequence numbers or counts (how many events the ledger holds is for
    /// investigators: GET /api/v1/ledger/verify) and names a database by its name only, never its
    /// address: the log has the details.
    /// </summary>
    [WolverineGet("/health/ready")]
    public static async Task<IResult> Get(HttpContext http, NpgsqlDataSource db, Topology topology, Investigations.RollbackGuard rollback, CancellationToken ct)
    {
        try
        {
            var s = LedgerStore.Schema;
            await using var cmd = db.CreateCommand($"""
                select (select coalesce(max(seq_id), 0) from {s}.mt_events e where not {MartenTombstones.Is()}),
                       (select coalesce(max(seq), 0) from {s}.{ChainTables.Links}),
                       (select coalesce(max(seq), 0) from {s}.event_index),
                       (select max(signed_at) from {s}.{ChainTables.Checkpoints}),
                       {DerivedCheckService.LastCheckColumns}
                """);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            await r.ReadAsync(ct);
            var (events, chained, indexed) = (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2));
            var lastCheckpoint = r.IsDBNull(3) ? (DateTimeOffset?)null : r.GetFieldValue<DateTimeOffset>(3);
            var checkedAt = r.IsDBNull(4) ? (NodaTime.Instant?)null : NodaTime.Instant.FromDateTimeOffset(r.GetFieldValue<DateTimeOffset>(4));
            var differing = r.IsDBNull(5) ? [] : r.GetFieldValue<string[]>(5);
            var reasons = new List<string>(Levels(events, chained, indexed, ""));
            // Every shard's chain and index must be level with its own events too.
            foreach (var shard in topology.Shards)
                reasons.AddRange(await ShardLevelsAsync(topology, shard, ct));
            if (differing.Length > 0)
                reasons.Add($"derived tables differ from the events: {string.Join(", ", differing)}");
            // Contract 1.5: behind or forked from the checkpoint kept outside the database.
            // The explanation counts the missing positions: it is in the log and in the 503 a writer gets.
            if (rollback.Current is { Blocks: true } behind) reasons.Add($"rollback detected ({behind.State}): {RollbackAdvice}");
            foreach (var (name, finding) in rollback.Shards.Where(s => s.Value.Blocks))
                reasons.Add($"rollback detected in database {name} ({finding.State}): {RollbackAdvice}");
            // Contract 1.6: a witness's refusal that shows the log forked from what it saw.
            foreach (var d in topology.All.Where(d => topology.NotPrepared(d) is null))
                reasons.AddRange(await ForksAsync(d, ct));
            return Results.Json(new
            {
                status = reasons.Count == 0 ? "ready" : "degraded",
                database = "ok",
                reasons,
                derivedTablesCheckedAt = checkedAt,
                trustedCheckpoint = rollback.Current.State.ToString().ToLowerInvariant(),
                lastCheckpoint,
            }, LedgerJson.Options, statusCode: reasons.Count == 0 ? 200 : 503);
        }
        catch (Exception e) when (Topology.Unreachable(e))
        {
            return Problems.Of(http, 503, "Database unavailable", "the ledger cannot reach its database");
        }
    }

    /// <summary>A shard's chain and index against its events; or why it cannot be read (its provinces are 503 meanwhile).</summary>
    private static async Task<IEnumerable<string>> ShardLevelsAsync(Topology topology, LedgerShard shard, CancellationToken ct)
    {
        if (topology.NotPrepared(shard) is { } waiting) return [$"database {shard.Name} is not in service: {waiting.InnerException!.Message}"];
        try
        {
            return Levels(await LevelsAsync(shard.Db, ct), $" in database {shard.Name}").ToList();
        }
        catch (Exception e) when (Topology.Unreachable(e))
        {
            // The message names the server (host, port, socket): not for anonymous callers.
            return [$"database {shard.Name} does not answer"];
        }
    }

    private static async Task<IEnumerable<string>> ForksAsync(LedgerShard d, CancellationToken ct)
    {
        try
        {
            return (await new WitnessRecords(d.Db).ForkedAsync(ct))
                .Select(f => $"witness {f.Witness} refuses the log of database {d.Name}: {f.Detail} (the evidence is kept in log_forks)");
        }
        catch (Exception e) when (Topology.Unreachable(e) && d.Name != ShardsFile.Catalogue)
        {
            return []; // the shard's own levels already say it does not answer
        }
    }

    private const string RollbackAdvice = "the chain is not the one the trusted checkpoint attests; new events are refused (the log says by how much)";

    private static IEnumerable<string> Levels(long events, long chained, long indexed, string where)
    {
        if (chained < events) yield return $"the chain lags the events{where}";
        if (chained > events) yield return $"the chain has links beyond the events{where}";
        if (indexed != events) yield return $"the event index is not level with the events{where}";
    }

    private static IEnumerable<string> Levels((long Events, long Chained, long Indexed) l, string where) => Levels(l.Events, l.Chained, l.Indexed, where);

    private static async Task<(long, long, long)> LevelsAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        var s = LedgerStore.Schema;
        await using var cmd = db.CreateCommand($"""
            select (select coalesce(max(seq_id), 0) from {s}.mt_events e where not {MartenTombstones.Is()}),
                   (select coalesce(max(seq), 0) from {s}.{ChainTables.Links}),
                   (select coalesce(max(seq), 0) from {s}.event_index)
            """);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2));
    }
}
