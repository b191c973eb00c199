using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Demo;
using Ledger.Ingest;
using Marten;

namespace Ledger.Api.Demo;

/// <summary>
/// Loads the synthetic demo province into an empty ledger (unless <c>LEDGER_DEMO=0</c>), in
/// batches through the same parser and rules as <c>POST /api/v1/events</c>.
/// </summary>
public sealed class DemoDataLoader(IConfiguration config, IDocumentStore store, Ingestor ingestor, ILogger<DemoDataLoader> log)
    : BackgroundService
{
    public const string ClientName = "demo-loader";

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        if (config["LEDGER_DEMO"] == "0") return;
        await using (var session = store.QuerySession())
        {
            if (await session.Events.QueryAllRawEvents().AnyAsync(ct))
            {
                log.LogInformation("Demo data: the ledger already holds events; nothing loaded");
                return;
            }
        }

        var events = new DemoLedger().Events().ToList();
        var loaded = 0;
        foreach (var chunk in events.Chunk(500))
        {
            var body = new JsonObject { ["events"] = new JsonArray(chunk.Select(e => (JsonNode)e).ToArray()) };
            using var doc = JsonDocument.Parse(body.ToJsonString());
            var parsed = BatchParser.Parse(doc.RootElement);
            if (parsed.Errors.Count > 0) throw new InvalidOperationException($"Demo data is malformed: {parsed.Errors[0]}");
            var outcome = await ingestor.AppendAsync(parsed.Events, ClientName, ct);
            if (outcome.Rejection is { } r) throw new InvalidOperationException($"Demo data was rejected: {r.Errors[0]}");
            loaded += chunk.Length;
            log.LogInformation("Demo data: {Loaded}/{Total} events", loaded, events.Count);
        }
    }
}
