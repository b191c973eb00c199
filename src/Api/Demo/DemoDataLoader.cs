using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Demo;
using Ledger.Ingest;
using Npgsql;

namespace Ledger.Api.Demo;

/// <summary>
/// Loads the synthetic demo province (unless <c>LEDGER_DEMO=0</c> or the ledger holds anyone else's events), in
/// batches through the same parser and rules as <c>POST /api/v1/events</c>.
/// </summary>
public sealed class DemoDataLoader(IConfiguration config, NpgsqlDataSource db, Ingestor ingestor, ILogger<DemoDataLoader> log)
    : BackgroundService
{
    public const string ClientName = "demo-loader";

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        try
        {
            await LoadAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            log.LogWarning("Demo data: loading stopped with the host; it resumes at the next start");
        }
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        if (!Ledger.Storage.OperatorSettings.Demo.Read(n => config[n])) return;
        // The demo's event ids are deterministic and posting is idempotent, so an interrupted load
        // simply resumes; a ledger with anyone else's events is never touched.
        await using (var cmd = db.CreateCommand($"select exists (select 1 from {Ledger.Storage.LedgerStore.Schema}.event_index where client <> @c)"))
        {
            cmd.Parameters.AddWithValue("c", ClientName);
            if ((bool)(await cmd.ExecuteScalarAsync(ct))!)
            {
                log.LogInformation("Demo data: the ledger holds real events; no demo data loaded");
                return;
            }
        }

        var events = new DemoLedger().Events().ToList();
        var loaded = 0;
        foreach (var chunk in DemoLedger.Batches(events, 500))
        {
            var body = new JsonObject { ["events"] = new JsonArray(chunk.Select(e => (JsonNode)e).ToArray()) };
            using var doc = JsonDocument.Parse(body.ToJsonString());
            var parsed = BatchParser.Parse(doc.RootElement);
            if (parsed.Errors.Count > 0) throw new InvalidOperationException($"Demo data is malformed: {parsed.Errors[0]}");
            var outcome = await ingestor.AppendAsync(parsed.Events, ClientName, ct);
            if (outcome.Rejection is { } r)
            {
                // Only a ledger loaded by an older version of the demo can disagree with it.
                log.LogError("Demo data was rejected ({Error}); this ledger holds demo data from another version. " +
                    "Delete .data/pg (the embedded cluster) to load the current demo", r.Errors[0]);
                return;
            }
            loaded += chunk.Length;
            log.LogInformation("Demo data: {Loaded}/{Total} events", loaded, events.Count);
        }
    }
}
