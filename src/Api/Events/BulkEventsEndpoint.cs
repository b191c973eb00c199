using System.IO.Pipelines;
using System.Text.Json;
using System.Threading.Channels;
using Ledger.Access;
using Ledger.Api.Access;
using Ledger.Api.Hosting;
using Ledger.Api.Http;
using Ledger.Ingest;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Wolverine.Http;

namespace Ledger.Api.Events;

/// <summary>
/// <c>POST /api/v1/events/bulk</c> (issue 14's bulk path): any number of events, one per line
/// (<c>application/x-ndjson</c>), appended in chunks of up to 1,000 through the same parser, scope
/// check and <see cref="Ingestor"/> as <c>POST /events</c>: the same rules and idempotency, each
/// chunk atomic. The body is read as it arrives, and the next chunk is parsed while the current
/// one is written. A refused first chunk is an ordinary problem answer with nothing written;
/// after that the answer is a stream of NDJSON lines, one per committed chunk, ending with
/// <c>"done": true</c>, or <c>"done": false</c> with the problem that stopped it (every chunk
/// acknowledged before it stays). Re-sending the whole body is safe: stored event ids are
/// answered as duplicates.
/// </summary>
public static class BulkEventsEndpoint
{
    public const int ChunkSize = BatchParser.MaxEvents;
    private static readonly string[] MediaTypes = ["application/x-ndjson", "application/jsonl", "application/json-seq"];

    private sealed record Refusal(int Status, string Title, IReadOnlyList<ItemError> Errors);

    private sealed record Parsed(BulkChunk Chunk, IReadOnlyList<IncomingEvent> Events, Refusal? Refusal);

    private sealed class Totals
    {
        public int Lines, Events, Appended, Duplicates;
    }

    [WolverinePost("/api/v1/events/bulk")]
    public static async Task<IResult> Post(HttpContext http, Topology topology, Investigations.RollbackGuard rollback, LedgerMetrics metrics,
        CancellationToken ct)
    {
        if (http.Require(Role.Writer) is { } denied) return denied;
        if (Behind(http, rollback) is { } behind) return behind;
        var type = http.Request.ContentType?.Split(';')[0].Trim();
        if (!MediaTypes.Contains(type, StringComparer.OrdinalIgnoreCase))
            return Problems.Of(http, 415, "Unsupported media type", "send application/x-ndjson: one event object per line, as in the events array of POST /api/v1/events");
        // The body has no overall limit: it is read chunk by chunk, and each line has its own.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = null;

        var client = http.Client();
        var parsed = Channel.CreateBounded<Parsed>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var producer = ProduceAsync(http.Request.BodyReader, parsed.Writer, stop.Token);
        var totals = new Totals();
        var started = false;
        try
        {
            await foreach (var next in parsed.Reader.ReadAllAsync(ct))
            {
                using var chunk = next.Chunk;
                var refusal = next.Refusal ?? OutsideScope(client, next) ?? (rollback.Current.Blocks ? BehindRefusal(rollback) : null);
                var (shard, split) = refusal is null ? PostEventsEndpoint.ShardOf(topology, next.Events) : (topology.Catalogue, []);
                if (split.Count > 0) refusal = new Refusal(400, "The chunk spans databases", split.Select(chunk.ByLine).ToList());
                if (refusal is null && topology.NotPrepared(shard) is { } waiting)
                    refusal = new Refusal(503, $"Database {shard.Name} is unavailable", [new ItemError("$", waiting.Message)]);
                if (refusal is null && rollback.BlockingFor(shard.Name) is { } shardBehind)
                    refusal = new Refusal(503, $"Database {shard.Name} is behind its signed checkpoint", [new ItemError("$", shardBehind.Explanation)]);
                Ledger.Chain.Receipt? receipt = null;
                if (refusal is null)
                {
                    var phases = new IngestPhases();
                    var outcome = await shard.Ingestor.AppendAsync(next.Events, client.Name, ct, phases);
                    metrics.IngestPhases(phases);
                    if (outcome.Rejection is { } r) refusal = new Refusal(r.Status, r.Title, r.Errors.Select(chunk.ByLine).ToList());
                    else
                    {
                        var appended = outcome.Results.Count(x => x.Status == "appended");
                        metrics.EventsAppended(appended);
                        totals.Lines = chunk.LastLine;
                        totals.Events += next.Events.Count;
                        totals.Appended += appended;
                        totals.Duplicates += next.Events.Count - appended;
                        receipt = outcome.Receipt;
                    }
                }
                if (refusal is not null)
                {
                    if (!started) return Problem(http, refusal);
                    await WriteLineAsync(http, End(totals, Problem(http, refusal)), ct);
                    return Results.Empty;
                }
                if (!started)
                {
                    http.Response.StatusCode = 200;
                    http.Response.ContentType = "application/x-ndjson; charset=utf-8";
                    started = true;
                }
                await WriteLineAsync(http, new
                {
                    fromLine = chunk.FirstLine, toLine = chunk.LastLine, appended = totals.Appended, duplicates = totals.Duplicates,
                    receipt = ReceiptJson.Of(receipt),
                }, ct);
            }
            await producer;
        }
        catch (Exception e) when (Topology.Unreachable(e))
        {
            var unavailable = new Refusal(503, "Database unavailable", []);
            if (!started) return Problems.Of(http, 503, unavailable.Title, "the ledger cannot reach its database; nothing of the chunk being written was stored");
            await WriteLineAsync(http, End(totals, Problem(http, unavailable)), CancellationToken.None);
            return Results.Empty;
        }
        finally
        {
            await stop.CancelAsync();
            while (parsed.Reader.TryRead(out var left)) left.Chunk.Dispose();
            try { await producer; } catch (Exception) { /* the answer is already decided; the reader only stopped */ }
        }
        if (!started) return Problems.Validation(http, [new ItemError("$", "holds no events: send one event object per line")]);
        await WriteLineAsync(http, new { done = true, lines = totals.Lines, events = totals.Events, appended = totals.Appended, duplicates = totals.Duplicates }, ct);
        return Results.Empty;
    }

    /// <summary>Reads and parses chunks ahead of the writer (at most two waiting), stopping after the first refused one.</summary>
    private static async Task ProduceAsync(PipeReader body, ChannelWriter<Parsed> writer, CancellationToken ct)
    {
        try
        {
            await foreach (var chunk in BulkChunks.ReadAsync(body, ChunkSize, ct))
            {
                var next = Parse(chunk);
                await writer.WriteAsync(next, ct);
                if (next.Refusal is not null) break;
            }
            writer.Complete();
        }
        catch (Exception e)
        {
            writer.Complete(e);
        }
    }

    private static Parsed Parse(BulkChunk chunk)
    {
        if (chunk.Errors.Count > 0) return new Parsed(chunk, [], new Refusal(400, "The request is malformed", chunk.Errors));
        try
        {
            var outcome = BatchParser.ParseItems(chunk.Lines.Select(l => l.Document.RootElement));
            return outcome.Errors.Count > 0
                ? new Parsed(chunk, [], new Refusal(400, "The request is malformed", outcome.Errors.Select(chunk.ByLine).ToList()))
                : new Parsed(chunk, outcome.Events, null);
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json refuses to decode an unpaired surrogate escape outside the text fields checked one by one.
            return new Parsed(chunk, [], new Refusal(400, "The request is malformed",
                [new ItemError($"lines[{chunk.FirstLine}..{chunk.LastLine}]", "hold an unpaired surrogate escape: not valid Unicode text")]));
        }
    }

    private static Refusal? OutsideScope(ApiClient client, Parsed next)
    {
        var outside = ClientScope.Outside(client, next.Events).Select(next.Chunk.ByLine).ToList();
        return outside.Count > 0 ? new Refusal(403, "Outside the client's region scope", outside) : null;
    }

    private static IResult? Behind(HttpContext http, Investigations.RollbackGuard rollback)
    {
        if (!rollback.Current.Blocks) return null;
        http.Response.Headers.RetryAfter = "60";
        return Problem(http, BehindRefusal(rollback));
    }

    private static Refusal BehindRefusal(Investigations.RollbackGuard rollback) =>
        new(503, "The ledger's database is behind its signed checkpoint", [new ItemError("$", rollback.Current.Explanation)]);

    private static IResult Problem(HttpContext http, Refusal r) =>
        Problems.Of(http, r.Status, r.Title, r.Errors.Count > 0 ? Problems.Summary(r.Errors) : r.Title, r.Errors);

    private static object End(Totals totals, IResult problem) => new
    {
        done = false, lines = totals.Lines, events = totals.Events, appended = totals.Appended, duplicates = totals.Duplicates,
        problem = (problem as ProblemHttpResult)?.ProblemDetails,
    };

    private static async Task WriteLineAsync(HttpContext http, object line, CancellationToken ct)
    {
        await JsonSerializer.SerializeAsync(http.Response.Body, line, LedgerJson.Options, ct);
        await http.Response.Body.WriteAsync("\n"u8.ToArray(), ct);
        await http.Response.Body.FlushAsync(ct);
    }
}
