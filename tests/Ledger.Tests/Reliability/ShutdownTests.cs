using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Ledger.Storage;
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
        var api = new ApiProcess(pg.ConnectionString(), "shutdown-admin", dir + "-key.pem");
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

            var inFlight = http.SendAsync(post);
            await WaitUntilIngestHoldsStreamLocksAsync(pg.ConnectionString()); // the batch is inside its transaction
            await api.TerminateAsync();
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
            try { Directory.Delete(dir, true); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    /// <summary>The ingest takes its per-stream advisory locks (class "LEDG") first thing in its transaction.</summary>
    private static async Task WaitUntilIngestHoldsStreamLocksAsync(string connectionString)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("select count(*) from pg_locks where locktype = 'advisory' and classid = 1279607879 and granted", conn);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((long)(await cmd.ExecuteScalarAsync())! == 0)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the batch never reached its transaction");
            await Task.Yield();
        }
    }
}
