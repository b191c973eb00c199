using Ledger.Storage;
using Npgsql;

namespace Ledger.Api.Hosting;

/// <summary>
/// Where the ledger lives: <c>LEDGER_DB</c> when set, else the embedded default (a private
/// cluster under <c>.data/pg</c>, started from the machine's PostgreSQL binaries).
/// <c>LEDGER_DB</c> is the schema owner's connection; the service itself runs as the
/// append-only role <c>LEDGER_APP_ROLE</c> (default <c>ledger_app</c> on the embedded cluster),
/// or on <c>LEDGER_APP_DB</c> when given.
/// </summary>
public sealed record LedgerDatabase(NpgsqlDataSource Owner, NpgsqlDataSource Runtime, string? AppRole, EmbeddedPostgres? Embedded)
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
        var appRole = config["LEDGER_APP_ROLE"] is { Length: > 0 } r ? r : embedded is not null ? "ledger_app" : null;
        var runtimeConnection = config["LEDGER_APP_DB"] is { Length: > 0 } app ? app
            : appRole is not null ? DatabaseRoles.AsRole(ownerConnection, appRole)
            : ownerConnection;
        return new LedgerDatabase(NpgsqlDataSource.Create(ownerConnection), NpgsqlDataSource.Create(runtimeConnection), appRole, embedded);
    }

    /// <summary>Applies the schema as its owner and grants the runtime role its append-only rights.</summary>
    public async Task MigrateAsync()
    {
        await using (var store = LedgerStore.Create(Owner))
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        if (AppRole is not null) await DatabaseRoles.GrantAsync(Owner, AppRole);
    }

    /// <summary>The checkout's root (where Ledger.sln is), so the data folder does not depend on the working directory.</summary>
    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Ledger.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
