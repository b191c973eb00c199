using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Ledger.Storage;
using Ledger.Tests.Support;
using Npgsql;
using Shouldly;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Reliability;

public sealed class ShutdownTests
{
    [Fact]
    public async Task a_batch_in_flight_when_the_service_is_stopped_finishes_and_is_stored_whole()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"ledger-shutdown-{Guid.NewGuid():N}");
        var pg = await EmbeddedPostgres.StartAsync(dir, durable: false);
        // The host's own "Application is shutting down" line says the stop has begun.
        var api = new ApiProcess(pg.ConnectionString(), "shutdown-admin", ServiceFolder.KeyFile(dir),
            new Dictionary<string, string> { ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information" });
        try
        {
            await api.StartAsync();
            using var http = new HttpClient { BaseAddress = api.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
            var key = await api.IssueKeyAsync("w", "writer");
            var events = new List<JsonObject>(RegionTree());
            events.AddRange(Enumerable.Range(0, 997).Select(i => Parcel($"410102-S{i:0000}", 1m)));
            using var post = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events")
            {
                Content = new StringContent(new JsonObject { ["events"] = new JsonArray(events.Select(e => (JsonNode)e).ToArray()) }.ToJsonString(),
                    Encoding.UTF8, "application/json"),
            };
            post.Headers.Add("X-Api-Key", key);

            // The test holds a lock the batch's inserts need, so the batch is certainly inside its
            // transaction (not done already, as a fast machine can manage) when the stop begins.
            await using var blocker = new NpgsqlConnection(pg.ConnectionString());
            await blocker.OpenAsync();
            await using var hold = await blocker.BeginTransactionAsync();
            await using (var lockEvents = new NpgsqlCommand("lock table ledger.mt_events in share mode", blocker, hold))
                await lockEvents.ExecuteNonQueryAsync();

            var inFlight = http.SendAsync(post);
            await WaitUntilIngestWaitsOnTheLockAsync(pg.ConnectionString(), inFlight);
            await api.SignalTerminateAsync();
            await api.WaitForOutputAsync("Application is shutting down", TimeSpan.FromSeconds(30));
            await hold.CommitAsync();
            await api.WaitForExitAsync(TimeSpan.FromSeconds(60));
            var response = await inFlight;

            response.StatusCode.ShouldBe(HttpStatusCode.OK, "the host drains requests in flight before it stops");
            await using var conn = new NpgsqlConnection(pg.ConnectionString());
            await conn.OpenAsync();
            await using var count = new NpgsqlCommand($"select count(*) from ledger.mt_events e where not {MartenTombstones.Is()}", conn);
            ((long)(await count.ExecuteScalarAsync())!).ShouldBe(1000);
        }
        finally
        {
            await api.DisposeAsync();
            await pg.StopAsync();
            ServiceFolder.Remove(dir);
        }
    }

    /// <summary>The ingest holds its per-stream advisory locks (class "LEDG") and waits on the test's table lock.</summary>
    private static async Task WaitUntilIngestWaitsOnTheLockAsync(string connectionString, Task<HttpResponseMessage> inFlight)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            select count(*) from pg_stat_activity a
            where a.wait_event_type = 'Lock' and a.pid <> pg_backend_pid()
              and exists (select 1 from pg_locks l where l.pid = a.pid and l.locktype = 'advisory' and l.classid = 1279607879 and l.granted)
            """, conn);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((long)(await cmd.ExecuteScalarAsync())! == 0)
        {
            if (inFlight.IsCompleted)
            {
                var early = await inFlight;
                throw new InvalidOperationException($"the batch ended before reaching the lock: {(int)early.StatusCode} {await early.Content.ReadAsStringAsync()}");
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the batch never reached its transaction");
            await Task.Yield();
        }
    }
}
