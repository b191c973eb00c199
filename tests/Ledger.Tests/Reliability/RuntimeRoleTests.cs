using Ledger.Tests.Support;
using Npgsql;
using Shouldly;

namespace Ledger.Tests.Reliability;

/// <summary>
/// Contract "Running": against a LEDGER_DB someone else runs, the service still runs as the
/// append-only role by default, and refuses to start rather than fall back to the owner.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class RuntimeRoleTests(LedgerApp app)
{
    [Fact]
    public async Task with_only_LEDGER_DB_set_the_service_connects_as_the_append_only_role()
    {
        var db = await FreshDatabaseAsync("ledger_role_default", owner: null);
        await using var api = await StartAsync(db, new Dictionary<string, string> { ["LEDGER_APP_ROLE"] = "" });
        await api.StartAsync();
        (await UsersOfAsync("ledger_role_default")).ShouldBe(["ledger_app"], "the owner connects only to migrate; the service runs as ledger_app");
    }

    [Fact]
    public async Task an_owner_that_may_not_create_the_role_is_a_refusal_to_start_naming_the_way_out()
    {
        var db = await FreshDatabaseAsync("ledger_role_refused", owner: "plain_owner");
        await using var api = await StartAsync(db, new Dictionary<string, string> { ["LEDGER_APP_ROLE"] = "ledger_app_missing" });
        var start = await Should.ThrowAsync<InvalidOperationException>(api.StartAsync());
        start.Message.ShouldContain("exited with 1");
        await api.WaitForOutputAsync("Refusing to start: The service runs as the append-only role 'ledger_app_missing'", TimeSpan.FromSeconds(5));
        await api.WaitForOutputAsync("LEDGER_RUN_AS_OWNER=1", TimeSpan.FromSeconds(5));

        await using var asOwner = await StartAsync(db, new Dictionary<string, string> { ["LEDGER_APP_ROLE"] = "", ["LEDGER_RUN_AS_OWNER"] = "1" });
        await asOwner.StartAsync();
        (await UsersOfAsync("ledger_role_refused")).ShouldBe(["plain_owner"]);
    }

    [Fact]
    public async Task a_database_without_postgis_that_the_owner_may_not_enable_is_a_refusal_to_start_naming_the_way_out()
    {
        var db = await FreshDatabaseAsync("ledger_no_postgis", owner: "plain_owner", postgis: false);
        await using var api = await StartAsync(db, new Dictionary<string, string> { ["LEDGER_APP_ROLE"] = "", ["LEDGER_RUN_AS_OWNER"] = "1" });
        (await Should.ThrowAsync<InvalidOperationException>(api.StartAsync())).Message.ShouldContain("exited with 1");
        await api.WaitForOutputAsync("Refusing to start: PostGIS is installed on the server but not enabled in database 'ledger_no_postgis'", TimeSpan.FromSeconds(5));
        await api.WaitForOutputAsync("create extension postgis", TimeSpan.FromSeconds(5));
    }

    private static async Task<ApiProcess> StartAsync(string connection, Dictionary<string, string> settings)
    {
        var keyFile = Path.Combine(Path.GetTempPath(), $"role-key-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(keyFile, LedgerApp.CheckpointKeyPem);
        return new ApiProcess(connection, LedgerApp.AdminKey, keyFile, settings);
    }

    /// <summary>A new database on the test cluster; with <paramref name="owner"/>, owned by a role without CREATEROLE.</summary>
    private async Task<string> FreshDatabaseAsync(string name, string? owner, bool postgis = true)
    {
        await app.ExecuteSqlAsync($"drop database if exists {name} with (force)");
        if (owner is not null)
            await app.ExecuteSqlAsync($"do $$ begin if not exists (select 1 from pg_roles where rolname = '{owner}') then create role {owner} login nocreaterole; end if; end $$");
        await app.ExecuteSqlAsync($"create database {name}{(owner is null ? "" : $" owner {owner}")}");
        var builder = new NpgsqlConnectionStringBuilder(app.ConnectionString) { Database = name };
        if (owner is not null && postgis)
        {
            // A database someone else runs: its administrator enables PostGIS (an owner without superuser may not).
            // Unpooled: the test counts who is connected to the database afterwards.
            await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(builder.ConnectionString) { Pooling = false }.ConnectionString);
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand("create extension postgis", admin);
            await create.ExecuteNonQueryAsync();
        }
        if (owner is not null)
        {
            builder.Username = owner;
            await using var conn = new NpgsqlConnection(builder.ConnectionString);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"create schema if not exists ledger authorization {owner}", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        return builder.ConnectionString;
    }

    private async Task<List<string>> UsersOfAsync(string database)
    {
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand("select distinct usename::text from pg_stat_activity where datname = @d and pid <> pg_backend_pid() order by 1", conn);
        cmd.Parameters.AddWithValue("d", database);
        var users = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) users.Add(r.GetString(0));
        return users;
    }
}
