using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Ledger.Storage;
using Ledger.Tests.Reliability;
using Ledger.Tests.Support;
using Npgsql;
using Shouldly;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.National;

/// <summary>
/// A service (its own process) whose shards file names one live shard (east, 41), one whose host
/// name does not resolve (west, 42) and one whose port refuses connections (south, 44); the
/// catalogue keeps the rest (32). Found in a security review: the unresolvable name crashed the
/// start, and readiness and metrics told anyone the shards' addresses.
/// </summary>
public sealed class UnreachableShardTests(UnreachableShardTests.Service service) : IClassFixture<UnreachableShardTests.Service>
{
    [Fact]
    public async Task a_shard_whose_host_name_does_not_resolve_waits_while_the_other_provinces_are_served()
    {
        await service.Api.WaitForOutputAsync("Database west (provinces 42) did not answer at start", TimeSpan.FromSeconds(10));
        var writer = await service.Api.IssueKeyAsync("unresolved-writer", "writer");
        (await service.PostAsync(writer, Province("32"))).StatusCode.ShouldBe(HttpStatusCode.OK, "the catalogue's provinces are served");
        (await service.PostAsync(writer, Province("41"))).StatusCode.ShouldBe(HttpStatusCode.OK, "a live shard's provinces are served");

        using var refused = await service.PostAsync(writer, Province("42"));
        refused.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("database west (provinces 42) did not answer");

        using var ready = await service.Http.GetAsync("/health/ready");
        ready.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await ready.Content.ReadAsStringAsync()).ShouldContain("database west is not in service");

        // Three retries (every second here) still find it unreachable: it waits, it is not "answering with an error".
        await service.Api.WaitForOutputAsync("Database west still does not answer", 3, TimeSpan.FromSeconds(30));
        service.Api.Written("answered but could not be prepared").ShouldBe(0);
    }

    [Fact]
    public async Task readiness_and_metrics_name_each_database_by_its_name_only()
    {
        using var ready = await service.Http.GetAsync("/health/ready");
        var body = await ready.Content.ReadAsStringAsync();
        ready.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        body.ShouldContain("database west is not in service");
        body.ShouldContain("database south is not in service");
        foreach (var address in service.Addresses) body.ShouldNotContain(address, Case.Insensitive, "anonymous readiness names databases, never where they are");

        // Npgsql's pool gauges are there, one per database by name (so a missing name would show), and no address is.
        var scrape = await service.Metrics.GetStringAsync("/metrics");
        scrape.ShouldContain("pool_name=\"catalogue\"");
        scrape.ShouldContain("pool_name=\"east\"");
        foreach (var address in service.Addresses) scrape.ShouldNotContain(address, Case.Insensitive, "metrics name databases, never where they are");
    }

    private static JsonObject[] Province(string p) =>
    [
        Region($"{p}0000", "province", "000000"), Region($"{p}0100", "prefecture", $"{p}0000"), Region($"{p}0102", "county", $"{p}0100"),
        Parcel($"{p}0102-000001", 3m).With("regionCode", $"{p}0102"),
    ];

    public sealed class Service : IAsyncLifetime
    {
        private const string AdminKey = "unreachable-shard-admin";
        private readonly string _root = Path.Combine(Path.GetTempPath(), $"ledger-unreachable-{Guid.NewGuid():N}");
        private EmbeddedPostgres? _pg;
        private readonly int _closedPort = ClosedPort();

        public ApiProcess Api { get; private set; } = null!;
        public HttpClient Http { get; private set; } = null!;
        public HttpClient Metrics { get; private set; } = null!;

        /// <summary>Every text that would say where a database is: host names, socket folder, port, database name, connection keywords.</summary>
        public List<string> Addresses { get; } = [];

        public async Task InitializeAsync()
        {
            _pg = await EmbeddedPostgres.StartAsync(_root, durable: false);
            await using (var conn = new NpgsqlConnection(_pg.ConnectionString()))
            {
                await conn.OpenAsync();
                await using var create = new NpgsqlCommand("create database shard_east", conn);
                await create.ExecuteNonQueryAsync();
            }
            var file = _root + "-shards.json";
            await File.WriteAllTextAsync(file, new JsonObject
            {
                ["shards"] = new JsonArray(
                    Shard("east", _pg.ConnectionString("shard_east"), "41"),
                    Shard("west", "Host=no-such-host.invalid;Database=ledger;Username=ledger_owner", "42"),
                    Shard("south", $"Host=127.0.0.1;Port={_closedPort};Database=ledger;Username=ledger_owner", "44")),
            }.ToJsonString());
            Addresses.AddRange(["no-such-host", $"127.0.0.1:{_closedPort}", $"Port={_closedPort}", _pg.SocketDirectory, "shard_east", "Host=", "Database=", "Username="]);
            Api = new ApiProcess(_pg.ConnectionString(), AdminKey, ServiceFolder.KeyFile(_root),
                new Dictionary<string, string> { ["LEDGER_SHARDS_FILE"] = file, ["LEDGER_SHARD_RETRY_SECONDS"] = "1",
                    ["Logging__LogLevel__Ledger.Api.Hosting.ShardPreparer"] = "Debug" });
            await Api.StartAsync();
            Http = new HttpClient { BaseAddress = Api.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
            Metrics = new HttpClient { BaseAddress = Api.MetricsAddress, Timeout = TimeSpan.FromSeconds(30) };
        }

        public async Task<HttpResponseMessage> PostAsync(string key, JsonObject[] events)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events")
            {
                Content = new StringContent(new JsonObject { ["events"] = new JsonArray(events.Select(e => (JsonNode)e.DeepClone()).ToArray()) }.ToJsonString(),
                    Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("X-Api-Key", key);
            var response = await Http.SendAsync(request);
            await response.Content.LoadIntoBufferAsync();
            return response;
        }

        public async Task DisposeAsync()
        {
            Http?.Dispose();
            Metrics?.Dispose();
            if (Api is not null) await Api.DisposeAsync();
            if (_pg is not null) await _pg.StopAsync();
            ServiceFolder.Remove(_root);
            File.Delete(_root + "-shards.json");
        }

        private static JsonObject Shard(string name, string connection, string province) => new()
        {
            ["name"] = name, ["connection"] = connection, ["provinces"] = new JsonArray(province),
        };

        /// <summary>A loopback port nobody listens on: connections to it are refused at once.</summary>
        private static int ClosedPort()
        {
            var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            var port = ((IPEndPoint)l.LocalEndpoint).Port;
            l.Stop();
            return port;
        }
    }
}
