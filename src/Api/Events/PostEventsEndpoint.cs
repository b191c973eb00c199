using System.Diagnostics;
using Ledger.Access;
using Ledger.Api.Access;
using Ledger.Api.Hosting;
using Ledger.Api.Http;
using Ledger.Ingest;
using Wolverine.Http;

namespace Ledger.Api.Events;

public static class PostEventsEndpoint
{
    [WolverinePost("/api/v1/events")]
    public static async Task<IResult> Post(HttpContext http, Topology topology, Investigations.RollbackGuard rollback, LedgerMetrics metrics, CancellationToken ct)
    {
        // Timed here, around every answer; the ingest outcome tells appended from duplicate, which the answer alone does not.
        var started = Stopwatch.GetTimestamp();
        IResult? result = null;
        IngestOutcome? outcome = null;
        var phases = new IngestPhases();
        try
        {
            return result = await AcceptAsync(http, topology, rollback, phases, o => outcome = o, ct);
        }
        finally
        {
            metrics.IngestAnswered(result, outcome, started);
            metrics.IngestPhases(phases);
        }
    }

    private static async Task<IResult> AcceptAsync(HttpContext http, Topology topology, Investigations.RollbackGuard rollback,
        IngestPhases phases, Action<IngestOutcome> ingested, CancellationToken ct)
    {
        if (http.Require(Role.Writer) is { } denied) return denied;
        if (rollback.Current is { Blocks: true } behind)
        {
            http.Response.Headers.RetryAfter = "60";
            return Problems.Of(http, 503, "The ledger's database is behind its signed checkpoint", behind.Explanation);
        }
        var (doc, problem) = await RequestBody.ReadAsync(http, ct);
        phases.Mark("read_body");
        if (problem is not null) return problem;
        using var _ = doc;

        BatchParser.Outcome parsed;
        try
        {
            parsed = BatchParser.Parse(doc!.RootElement);
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json refuses to decode an unpaired surrogate escape (\ud800) outside the text fields we check one by one.
            return Problems.Validation(http, [new ItemError("$", "holds an unpaired surrogate escape: not valid Unicode text")]);
        }
        phases.Mark("parse");
        if (parsed.TooMany)
            return Problems.Of(http, 413, "Too many events", Problems.Summary(parsed.Errors), parsed.Errors);
        if (parsed.Errors.Count > 0) return Problems.Validation(http, parsed.Errors);

        var client = http.Client();
        var outside = ClientScope.Outside(client, parsed.Events);
        if (outside.Count > 0) return Problems.Of(http, 403, "Outside the client's region scope", Problems.Summary(outside), outside);

        var (shard, split) = ShardOf(topology, parsed.Events);
        if (split.Count > 0) return Problems.Of(http, 400, "The batch spans databases", Problems.Summary(split), split);
        if (topology.NotPrepared(shard) is { } waiting) return waiting.Problem(http);
        if (rollback.BlockingFor(shard.Name) is { } shardBehind)
        {
            http.Response.Headers.RetryAfter = "60";
            return Problems.Of(http, 503, $"Database {shard.Name} is behind its signed checkpoint", shardBehind.Explanation);
        }
        var outcome = await shard.Ingestor.AppendAsync(parsed.Events, client.Name, ct, phases);
        ingested(outcome);
        if (outcome.Rejection is { } r) return Problems.Of(http, r.Status, r.Title, Problems.Summary(r.Errors), r.Errors);

        return Results.Json(new
        {
            results = outcome.Results.Select(x => new
            {
                eventId = x.EventId, status = x.Status, stream = x.Stream, version = x.Version, sequence = x.Sequence, recordedAt = x.RecordedAt,
            }),
            receipt = ReceiptJson.Of(outcome.Receipt),
        }, LedgerJson.Options);
    }

    /// <summary>
    /// The one database the batch's events belong in (contract 1.2: a batch is atomic within one
    /// database), or an error for every event whose province another database holds.
    /// </summary>
    public static (LedgerShard Shard, List<ItemError> Split) ShardOf(Topology topology, IReadOnlyList<IncomingEvent> events)
    {
        var first = topology.Route(events[0].RegionCode);
        var split = events.Select(e => (e, shard: topology.Route(e.RegionCode))).Where(x => x.shard != first)
            .Select(x => new ItemError($"events[{x.e.Index}].regionCode",
                $"region {x.e.RegionCode} is stored in database {x.shard.Name}, events[{events[0].Index}]'s region {events[0].RegionCode} in {first.Name}: " +
                "a batch is atomic within one database, so post each database's events in batches of their own"))
            .ToList();
        return (first, split);
    }
}
