using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Ledger.Chain;
using Ledger.Storage;
using Ledger.Tests.Support;
using Npgsql;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Reliability;

public sealed record CrashReport(int Clients, int Batches, int EventsAcknowledged, long EventsStored, long DistinctIdsStored, int ApiKills,
    int DatabaseRestarts, int Retries, bool ChainOk, bool ProjectionsMatch, double Seconds)
{
    public bool NothingLost => EventsStored == EventsAcknowledged && DistinctIdsStored == EventsAcknowledged && ChainOk && ProjectionsMatch;
}

/// <summary>
/// Concurrent clients post batches with fixed event ids and retry each until it is acknowledged,
/// while the API is SIGKILLed and restarted and PostgreSQL is restarted in immediate mode.
/// Afterwards every acknowledged event must be stored exactly once and nothing else stored.
/// </summary>
public static class CrashHarness
{
    /// <param name="minBatchesPerClient">Each client posts at least this many batches, and keeps going until the faults are done.</param>
    public static async Task<CrashReport> RunAsync(int clients, int minBatchesPerClient, int batchSize, int kills, bool restartDatabase)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"ledger-crash-{Guid.NewGuid():N}");
        var pg = await EmbeddedPostgres.StartAsync(dir, durable: true);
        var keyFile = ServiceFolder.KeyFile(dir);
        const string admin = "crash-admin";
        var api = new ApiProcess(pg.ConnectionString(), admin, keyFile);
        var started = DateTime.UtcNow;
        try
        {
            await api.StartAsync();
            using var http = new HttpClient { BaseAddress = api.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
            var writer = await api.IssueKeyAsync("crash-writer", "writer");
            await PostUntilAcknowledgedAsync(http, writer, Body(RegionTree()), CancellationToken.None);

            var acknowledged = new ConcurrentDictionary<Guid, byte>();
            var retries = 0;
            var posted = 0;
            var faultsDone = false;
            // A client never abandons a batch half-way: it retries the same ids until acknowledged,
            // and stops only between batches, once the faults are over and it has posted its minimum.
            var workers = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
            {
                var b = 0;
                foreach (var batch in Batches(c, batchSize))
                {
                    if (Volatile.Read(ref faultsDone) && b >= minBatchesPerClient) break;
                    Interlocked.Add(ref retries, await PostUntilAcknowledgedAsync(http, writer, Body(batch), CancellationToken.None));
                    foreach (var e in batch) acknowledged[Guid.Parse(e["eventId"]!.GetValue<string>())] = 0;
                    Interlocked.Increment(ref posted);
                    b++;
                }
            })).ToList();

            var killed = 0;
            var restarts = 0;
            while (killed < kills || (restartDatabase && restarts == 0))
            {
                await Task.Delay(700);
                if (restartDatabase && restarts == 0 && killed == kills / 2)
                {
                    await pg.RestartImmediateAsync();
                    restarts++;
                    continue;
                }
                await api.KillAsync();
                killed++;
                await api.StartAsync();
            }
            Volatile.Write(ref faultsDone, true);
            await Task.WhenAll(workers).WaitAsync(TimeSpan.FromMinutes(10));

            var (stored, distinct) = await CountAsync(pg.ConnectionString());
            await using var owner = NpgsqlDataSource.Create(pg.ConnectionString());
            var chain = await new ChainVerifier(owner, CheckpointSigner.Generate()).VerifyAsync([], CancellationToken.None);
            var projections = await new Ledger.Flows.FlowRebuilder(owner, _ => { }).RunAsync(replace: false, CancellationToken.None);
            var regionEvents = RegionTree().Length;
            return new CrashReport(clients, posted, acknowledged.Count, stored - regionEvents, distinct - regionEvents,
                killed, restarts, retries, chain.Ok, projections.Matches, (DateTime.UtcNow - started).TotalSeconds);
        }
        finally
        {
            await api.DisposeAsync();
            await pg.StopAsync();
            ServiceFolder.Remove(dir);
        }
    }

    /// <summary>Each client owns its parcels: registrations, then supplements, always valid in order.</summary>
    private static IEnumerable<JsonObject[]> Batches(int client, int size)
    {
        for (var b = 0; ; b++)
            yield return Enumerable.Range(0, size).Select(i =>
            {
                var key = $"410102-C{client}B{b}I{i % (size / 2)}";
                return i < size / 2
                    ? Parcel(key, 10m)
                    : Make("farmland.supplemented", key, County, new JsonObject { ["areaHa"] = 0.5m, ["method"] = "consolidation" });
            }).ToArray();
    }

    /// <returns>How many retries it took.</returns>
    private static async Task<int> PostUntilAcknowledgedAsync(HttpClient http, string key, string body, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                request.Headers.Add("X-Api-Key", key);
                using var response = await http.SendAsync(request, ct);
                if (response.IsSuccessStatusCode) return attempt;
                if ((int)response.StatusCode is >= 400 and < 500)
                    throw new InvalidOperationException($"refused: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
            }
            await Task.Delay(100, ct);
        }
    }

    private static string Body(JsonObject[] events) =>
        new JsonObject { ["events"] = new JsonArray(events.Select(e => (JsonNode)e.DeepClone()).ToArray()) }.ToJsonString();

    private static async Task<(long Stored, long Distinct)> CountAsync(string connectionString)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"select count(*), count(distinct id) from ledger.mt_events e where not {MartenTombstones.Is()}", conn);
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        return (r.GetInt64(0), r.GetInt64(1));
    }
}
