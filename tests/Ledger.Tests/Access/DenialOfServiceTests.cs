using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Api.Access;
using Ledger.Api.Investigations;
using Ledger.Tests.Reliability;
using Ledger.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Access;

/// <summary>Everything a low-privilege or anonymous caller can trigger is bounded (security review, issue 15).</summary>
[Collection(LedgerCollection.Name)]
public sealed class DenialOfServiceTests(LedgerApp app) : IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        var setup = await app.PostEventsAsync(await app.KeyAsync("writer"), [.. CountyWithOneOfEach(), Region("420000", "province", "000000")]);
        setup.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>
    /// Against the service as its own process (its resident memory is its own, whatever other tests
    /// allocate), over real loopback connections, so the per-address limit sees a real address.
    /// </summary>
    [Fact]
    public async Task a_hundred_thousand_random_keys_leave_memory_and_database_connections_flat()
    {
        var keyFile = Path.Combine(Path.GetTempPath(), $"flood-key-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(keyFile, LedgerApp.CheckpointKeyPem);
        // The process inherits the test host's settings (limits lifted for speed): put the production default back.
        // Its connections are told apart by name: the test database is shared with the classes running beside this one.
        await using var api = new ApiProcess($"{app.ConnectionString};Application Name={FloodApplication}", LedgerApp.AdminKey, keyFile,
            new Dictionary<string, string> { ["LEDGER_ADDRESS_RATE_LIMIT"] = "20" });
        try
        {
            await api.StartAsync();
            using var client = new HttpClient { BaseAddress = api.BaseAddress };
            async Task<Dictionary<HttpStatusCode, int>> Flood(int n)
            {
                var statuses = new Dictionary<HttpStatusCode, int>();
                await Parallel.ForEachAsync(Enumerable.Range(0, n), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, ct) =>
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/streams/farmland/410102-000001");
                    request.Headers.Add("X-Api-Key", "lk_" + Guid.NewGuid().ToString("N"));
                    using var response = await client.SendAsync(request, ct);
                    lock (statuses) statuses[response.StatusCode] = statuses.GetValueOrDefault(response.StatusCode) + 1;
                });
                return statuses;
            }

            await Flood(20_000);
            var memoryBefore = Resident(api);
            var connectionsBefore = await ConnectionsAsync();
            connectionsBefore.ShouldBeGreaterThan(0, "the process's connections carry its application name");
            var statuses = await Flood(100_000);
            var memoryAfter = Resident(api);
            var connectionsAfter = await ConnectionsAsync();

            statuses.Keys.ShouldBeSubsetOf([HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests]);
            statuses[HttpStatusCode.TooManyRequests].ShouldBeGreaterThan(90_000, "the address limit holds unknown keys back before any lookup");
            (memoryAfter - memoryBefore).ShouldBeLessThan(48L * 1024 * 1024, $"resident memory went from {memoryBefore:N0} to {memoryAfter:N0} bytes");
            connectionsAfter.ShouldBeLessThanOrEqualTo(connectionsBefore + 2);
        }
        finally
        {
            File.Delete(keyFile);
        }
    }

    private static long Resident(ApiProcess api)
    {
        using var process = System.Diagnostics.Process.GetProcessById(api.ProcessId!.Value);
        return process.WorkingSet64;
    }

    [Fact]
    public async Task unknown_keys_are_remembered_only_up_to_the_cache_bound()
    {
        Environment.SetEnvironmentVariable("LEDGER_KEY_CACHE_ENTRIES", "300");
        await using var host = app.NewFactory();
        using var client = host.CreateClient();
        Environment.SetEnvironmentVariable("LEDGER_KEY_CACHE_ENTRIES", null);
        for (var i = 0; i < 600; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/ledger/verify");
            request.Headers.Add("X-Api-Key", "lk_" + Guid.NewGuid().ToString("N"));
            (await client.SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }
        host.Services.GetRequiredService<ApiKeyDirectory>().CachedCount.ShouldBeLessThanOrEqualTo(300);
    }

    [Fact]
    public async Task requests_without_a_key_are_limited_per_address()
    {
        Environment.SetEnvironmentVariable("LEDGER_ADDRESS_RATE_LIMIT", "2");
        await using var host = app.NewFactory();
        using var client = host.CreateClient();
        Environment.SetEnvironmentVariable("LEDGER_ADDRESS_RATE_LIMIT", LedgerApp.TestRateLimit);
        // A key this node has resolved once is held only by its own per-key limit afterwards.
        var known = await app.KeyAsync("investigator");
        (await VerifyWithAsync(client, known)).ShouldBe(HttpStatusCode.OK); // one lookup: one token of the address's 4

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++) statuses.Add((await client.GetAsync("/api/v1/ledger/verify")).StatusCode);
        statuses.ShouldContain(HttpStatusCode.Unauthorized);
        statuses.ShouldContain(HttpStatusCode.TooManyRequests);

        // The address's bucket is now empty, yet the known key goes on.
        for (var i = 0; i < 10; i++) (await VerifyWithAsync(client, known)).ShouldBe(HttpStatusCode.OK);
    }

    private static async Task<HttpStatusCode> VerifyWithAsync(HttpClient client, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/ledger/verify");
        request.Headers.Add("X-Api-Key", key);
        return (await client.SendAsync(request)).StatusCode;
    }

    [Fact]
    public async Task concurrent_verifications_share_one_run()
    {
        var runner = app.Services.GetRequiredService<VerifyRunner>();
        var before = runner.Runs;
        var all = Enumerable.Range(0, 5).Select(_ => runner.RunAsync(CancellationToken.None)).ToList();
        var results = await Task.WhenAll(all);
        (runner.Runs - before).ShouldBe(1);
        results.ShouldAllBe(r => r.Ok);
    }

    [Fact]
    public async Task a_county_investigator_sees_its_own_counts_not_the_nations()
    {
        var county = await app.KeyAsync("investigator", "410102");
        var national = await app.KeyAsync("investigator");
        var mine = await VerifyAsync(county);
        var all = await VerifyAsync(national);
        all.GetProperty("eventsChecked").GetInt64().ShouldBe(await app.EventCountAsync());
        mine.GetProperty("eventsChecked").GetInt64().ShouldBe(all.GetProperty("eventsChecked").GetInt64() - 4, "the registrations of 410000, 410100, 410103 and 420000 are outside 410102");
        mine.GetProperty("scope").GetString().ShouldBe("410102");
        mine.GetProperty("ok").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task a_long_stream_is_read_a_page_at_a_time()
    {
        var writer = await app.KeyAsync("writer", "410000");
        (await app.PostEventsAsync(writer, Enumerable.Range(0, 5).Select(_ => Occupied(area: 0.1m)).ToArray())).StatusCode.ShouldBe(HttpStatusCode.OK);
        var auditor = await app.KeyAsync("auditor", "410000");
        var versions = new List<long>();
        string? next = "/api/v1/streams/farmland/410102-000001/events?limit=2";
        var pages = 0;
        while (next is not null)
        {
            var page = JsonDocument.Parse(await (await app.SendAsync(HttpMethod.Get, next, auditor)).Content.ReadAsStringAsync()).RootElement;
            versions.AddRange(page.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("version").GetInt64()));
            next = page.GetProperty("next").ValueKind == JsonValueKind.String ? page.GetProperty("next").GetString() : null;
            pages++;
        }
        versions.ShouldBe([1, 2, 3, 4, 5, 6]);
        pages.ShouldBe(4); // 2 + 2 + 2 + an empty last page
        (await app.SendAsync(HttpMethod.Get, "/api/v1/streams/farmland/410102-000001/events?limit=1001", auditor)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task interim_reports_beyond_the_daily_quota_are_429_with_retry_after()
    {
        Environment.SetEnvironmentVariable("LEDGER_INTERIM_REPORTS_PER_DAY", "2");
        await using var host = app.NewFactory();
        using var client = host.CreateClient();
        Environment.SetEnvironmentVariable("LEDGER_INTERIM_REPORTS_PER_DAY", null);
        var auditor = await app.KeyAsync("auditor", "410000");
        var statuses = new List<HttpResponseMessage>();
        for (var i = 0; i < 3; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/audits/departure")
            {
                Content = new StringContent("{\"tenureId\":\"T-410102-1\",\"interim\":true}", Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("X-Api-Key", auditor);
            statuses.Add(await client.SendAsync(request));
        }
        statuses.Select(s => s.StatusCode).ShouldBe([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests]);
        statuses[2].Headers.RetryAfter.ShouldNotBeNull();
        app.Clock.Advance(NodaTime.Duration.FromHours(25));
        using var later = new HttpRequestMessage(HttpMethod.Post, "/api/v1/audits/departure")
        {
            Content = new StringContent("{\"tenureId\":\"T-410102-1\",\"interim\":true}", Encoding.UTF8, "application/json"),
        };
        later.Headers.Add("X-Api-Key", auditor);
        (await client.SendAsync(later)).StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task error_lists_are_capped_however_many_problems_a_body_has()
    {
        var writer = await app.KeyAsync("writer", "410000");
        var bad = Enumerable.Range(0, 1000).Select(_ => Occupied(area: -1m).With("data.purpose", "golf")).ToArray();
        var response = await app.PostEventsAsync(writer, bad);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        problem.GetProperty("errors").GetArrayLength().ShouldBe(101);
        problem.GetProperty("errorCount").GetInt32().ShouldBe(2000);

        var repeated = "{\"events\":[{" + string.Join(",", Enumerable.Repeat("\"x\":1", 50_000)) + "}]}";
        var again = await app.SendAsync(HttpMethod.Post, "/api/v1/events", writer, repeated);
        again.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var p2 = JsonDocument.Parse(await again.Content.ReadAsStringAsync()).RootElement;
        p2.GetProperty("errors").GetArrayLength().ShouldBe(101);
        p2.GetProperty("errorCount").GetInt32().ShouldBe(49_999);
    }

    private async Task<JsonElement> VerifyAsync(string key) =>
        JsonDocument.Parse(await (await app.SendAsync(HttpMethod.Get, "/api/v1/ledger/verify", key)).Content.ReadAsStringAsync()).RootElement;

    private static long SettledMemory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private const string FloodApplication = "dos-flood-api";

    /// <summary>The flooded process's own database connections (counting every connection counted other tests' too, and flaked).</summary>
    private async Task<long> ConnectionsAsync()
    {
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("select count(*) from pg_stat_activity where application_name = @name", conn);
        cmd.Parameters.AddWithValue("name", FloodApplication);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
