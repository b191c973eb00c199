using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Marten;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using NodaTime;
using NodaTime.Testing;
using Npgsql;

namespace Ledger.Tests.Support;

/// <summary>
/// One API host for the test collection, over a real PostgreSQL, with a fake clock.
/// Each test starts from an empty ledger (<see cref="ResetAsync"/>).
/// </summary>
public sealed class LedgerApp : IAsyncLifetime
{
    public const string AdminKey = "test-bootstrap-admin-key";
    public const string AppRole = "ledger_app";
    public const string TestRateLimit = "1000000";
    public static readonly string CheckpointKeyPem = Ledger.Chain.CheckpointSigner.Generate().PrivateKeyPem();
    public static readonly Instant Start = Instant.FromUtc(2026, 3, 1, 8, 0);
    public static readonly string LogKeySeed = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    private WebApplicationFactory<Program> _factory = null!;
    public FakeClock Clock { get; } = new(Start, Duration.FromMilliseconds(1));
    public HttpClient Http { get; private set; } = null!;
    public IDocumentStore Store => _factory.Services.GetRequiredService<IDocumentStore>();
    public IServiceProvider Services => _factory.Services;
    /// <summary>The in-memory server itself: its clients follow no redirects and keep no cookies, and it can set a request's remote address.</summary>
    public TestServer Server => _factory.Server;
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        ConnectionString = await TestDatabase.ConnectionStringAsync();
        Environment.SetEnvironmentVariable("LEDGER_DB", ConnectionString);
        Environment.SetEnvironmentVariable("LEDGER_DEMO", "0");
        Environment.SetEnvironmentVariable("LEDGER_BOOTSTRAP_ADMIN_KEY", AdminKey);
        Environment.SetEnvironmentVariable("LEDGER_CHECKPOINT_KEY", CheckpointKeyPem);
        // The suite keeps the transparency log (the default since decision 71) and says so, so every test exercises it.
        Environment.SetEnvironmentVariable("LEDGER_LOG", "1");
        Environment.SetEnvironmentVariable("LEDGER_LOG_KEY", LogKeySeed);
        // Built at start only: a build running into a test's reset (a truncate of the chain) deadlocks it.
        Environment.SetEnvironmentVariable("LEDGER_LOG_BUILD_SECONDS", "0");
        // The host runs as the append-only role, as in production; the tests keep the owner's connection.
        Environment.SetEnvironmentVariable("LEDGER_APP_ROLE", AppRole);
        // Tests fire requests far faster than any province would; the rate limit has its own test.
        Environment.SetEnvironmentVariable("LEDGER_RATE_LIMIT", TestRateLimit);
        Environment.SetEnvironmentVariable("LEDGER_ADDRESS_RATE_LIMIT", TestRateLimit);
        // A background check reading every table while a test resets the database timed out the reset
        // once; tests that need the check run it themselves.
        Environment.SetEnvironmentVariable("LEDGER_DERIVED_CHECK_MINUTES", "-1");
        _factory = NewFactory();
        Http = _factory.CreateClient();
        (await Http.GetAsync("/health")).EnsureSuccessStatusCode();
    }

    /// <summary>A second host over the same database, as after a restart.</summary>
    public WebApplicationFactory<Program> NewFactory() => new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        b.ConfigureServices(s =>
        {
            s.RemoveAll<IClock>();
            s.AddSingleton<IClock>(Clock);
            s.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider, ServerErrorLog>();
        }));

    public async Task ResetAsync()
    {
        Clock.Reset(Start);
        _issuedNames.Clear();
        // A workbench page starts a verification in the background; truncating the tables under it
        // waits on its locks while it waits on theirs, a cycle through this process PostgreSQL cannot see.
        await Server.Services.GetRequiredService<Ledger.Api.Workbench.VerifyStatus>().Idle();
        // Disposed: every undisposed data source keeps its pooled connections open, and the resets add up.
        await using var ownerDb = NpgsqlDataSource.Create(ConnectionString);
        await using (var owner = Ledger.Storage.LedgerStore.Create(ownerDb))
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await owner.Advanced.ResetAllData();
                    break;
                }
                // Work a previous test left running on the shared database (an import job's last batch,
                // a process still stopping) can meet the truncates in a deadlock or hold them past the
                // command timeout; PostgreSQL has rolled the reset back, so it is safe to run again.
                catch (Exception e) when (attempt < 3 && (e is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected }
                                                          || e.InnerException is TimeoutException))
                {
                    await Task.Delay(TimeSpan.FromSeconds(attempt));
                }
            }
        // Marten recreates the event sequence on reset; grant the runtime role its rights again.
        await Ledger.Storage.DatabaseRoles.GrantAsync(ownerDb, AppRole);
        // Marten restarts the event sequence; the flat projections are ours to clear.
        await using var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("truncate ledger.flows, ledger.targets, ledger.flow_totals, ledger.landuse_totals, ledger.chain, ledger.checkpoints, ledger.event_index, ledger.audit_reports, " +
            "ledger.successions, ledger.stream_moves, ledger.transfers, ledger.geo_versions, ledger.geo_parts, ledger.overlaps, ledger.import_progress, ledger.imports, ledger.workbench_sessions, ledger.derived_check_result, " +
            "ledger.log_tiles, ledger.log_edge, ledger.log_checkpoints, ledger.log_cosignatures, ledger.log_witnesses, ledger.log_forks", conn);
        await cmd.ExecuteNonQueryAsync();
    }

    private readonly HashSet<string> _issuedNames = [];

    /// <summary>Issues a key; without a name, <c>role-scope</c>, numbered when a test asks for a second one (names are unique).</summary>
    public async Task<string> KeyAsync(string role, string scope = "000000", string? name = null)
    {
        if (name is null)
        {
            name = $"{role}-{scope}";
            for (var n = 2; _issuedNames.Contains(name); n++) name = $"{role}-{scope}-{n}";
        }
        _issuedNames.Add(name);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/admin/keys")
        {
            Content = JsonContent.Create(new { name, role, scope }),
        };
        request.Headers.Add("X-Api-Key", AdminKey);
        var response = await Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string? key, object? body = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
            request.Content = new StringContent(body as string ?? JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");
        if (key is not null) request.Headers.Add("X-Api-Key", key);
        return await Http.SendAsync(request);
    }

    public Task<HttpResponseMessage> PostEventsAsync(string key, params JsonObject[] events) =>
        SendAsync(HttpMethod.Post, "/api/v1/events", key, new JsonObject { ["events"] = new JsonArray(events.Select(e => (JsonNode)e.DeepClone()).ToArray()) }.ToJsonString());

    public async Task ExecuteSqlAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>Runs SQL as the service's own append-only role: what someone who took over the service could do.</summary>
    public async Task ExecuteSqlAsRuntimeRoleAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(Ledger.Storage.DatabaseRoles.AsRole(ConnectionString, AppRole));
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>The first column of the first row, read as the owner.</summary>
    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    public async Task<long> EventCountAsync()
    {
        await using var conn = new NpgsqlConnection(ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("select count(*) from ledger.mt_events", conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await _factory.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class LedgerCollection : ICollectionFixture<LedgerApp>
{
    public const string Name = "ledger";
}
