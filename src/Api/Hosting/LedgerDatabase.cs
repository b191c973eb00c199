using Ledger.Storage;
using Npgsql;

namespace Ledger.Api.Hosting;

/// <summary>
/// Where the ledger lives: <c>LEDGER_DB</c> when set, else the embedded default (a private
/// cluster under <c>.data/pg</c>, started from the machine's PostgreSQL binaries).
/// <c>LEDGER_DB</c> is the schema owner's connection; the service itself runs as the
/// append-only role <c>LEDGER_APP_ROLE</c> (default <c>ledger_app</c>, on any database), or on
/// <c>LEDGER_APP_DB</c> when given. Only <c>LEDGER_RUN_AS_OWNER=1</c> makes it run as the owner:
/// a deployment must never end up able to rewrite history because a setting was forgotten.
/// </summary>
public sealed record LedgerDatabase(NpgsqlDataSource Owner, NpgsqlDataSource Runtime, string? AppRole, EmbeddedPostgres? Embedded,
    string? AppPassword = null)
{
    public static async Task<LedgerDatabase> ResolveAsync(IConfiguration config)
    {
        var ownerConnection = config["LEDGER_DB"];
        EmbeddedPostgres? embedded = null;
        if (string.IsNullOrWhiteSpace(ownerConnection))
        {
            var dataDir = config["LEDGER_DATA_DIR"];
            if (dataDir is null)
            {
                // .data also holds the key files and the cluster's socket directory: keep others out.
                var home = Path.Combine(FindRepoRoot(), ".data");
                ServerAccount.PrivateFolder(home);
                dataDir = Path.Combine(home, "pg");
            }
            embedded = await EmbeddedPostgres.StartAsync(dataDir, durable: true, Console.WriteLine);
            ownerConnection = embedded.ConnectionString();
        }
        return For(ShardsFile.Catalogue, ownerConnection, config, embedded, config["LEDGER_APP_DB"] is { Length: > 0 } app ? app : null);
    }

    /// <summary>
    /// A database given by its owner's connection: the catalogue, or a shard (which has no
    /// <c>LEDGER_APP_DB</c> of its own: its runtime role is the same role, with the same password).
    /// Its data sources are named after it (<paramref name="name"/>), never after their connection strings.
    /// </summary>
    public static LedgerDatabase For(string name, string ownerConnection, IConfiguration config, EmbeddedPostgres? embedded, string? givenApp)
    {
        var runAsOwner = Ledger.Storage.OperatorSettings.RunAsOwner.Read(n => config[n]);
        var appRole = config["LEDGER_APP_ROLE"] is { Length: > 0 } r ? r : runAsOwner ? null : DatabaseRoles.DefaultAppRole;
        // Where the owner signs in with a password, so must the runtime role: ours, kept in a 0600 file.
        var appPassword = appRole is not null && givenApp is null && new NpgsqlConnectionStringBuilder(ownerConnection).Password is not null
            ? AppRolePassword.Load(config, Path.Combine(FindRepoRoot(), ".data"))
            : null;
        var runtimeConnection = givenApp
            ?? (appRole is not null ? DatabaseRoles.AsRole(ownerConnection, appRole, appPassword) : ownerConnection);
        return new LedgerDatabase(Postgis.DataSource(ownerConnection, $"{name} (owner)"), Postgis.DataSource(runtimeConnection, name), appRole, embedded,
            appPassword);
    }

    /// <summary>Applies the schema as its owner and grants the runtime role its append-only rights.</summary>
    public async Task MigrateAsync()
    {
        await Postgis.EnsureAsync(Owner);
        await using (var store = LedgerStore.Create(Owner))
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        await Ledger.Spatial.GeoTables.EnsureAsync(Owner);
        await Ledger.Imports.ImportStore.EnsureAsync(Owner);
        await Ledger.Chain.LogTables.EnsureStorageAsync(Owner);
        await Ledger.Flows.LandUseUpgrade.RunAsync(Owner, Console.WriteLine);
        if (AppRole is not null) await DatabaseRoles.GrantAsync(Owner, AppRole, AppPassword);
    }

    /// <summary>The checkout's root (where Ledger.sln is), so the data folder does not depend on the working directory.</summary>
    public static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Ledger.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
