using Ledger.Storage;
using Npgsql;

namespace Ledger.Api.Hosting;

/// <summary>
/// Where the ledger lives: <c>LEDGER_DB</c> when set, else the embedded default (a private
/// cluster under <c>.data/pg</c>, started from the machine's PostgreSQL binaries).
/// </summary>
public static class LedgerDatabase
{
    public static async Task<(NpgsqlDataSource DataSource, EmbeddedPostgres? Embedded)> ResolveAsync(IConfiguration config)
    {
        var connectionString = config["LEDGER_DB"];
        EmbeddedPostgres? embedded = null;
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            var dataDir = config["LEDGER_DATA_DIR"] ?? Path.Combine(FindRepoRoot(), ".data", "pg");
            embedded = await EmbeddedPostgres.StartAsync(dataDir, durable: true, Console.WriteLine);
            connectionString = embedded.ConnectionString();
        }
        return (new NpgsqlDataSourceBuilder(connectionString).Build(), embedded);
    }

    /// <summary>The checkout's root (where Ledger.sln is), so the data folder does not depend on the working directory.</summary>
    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Ledger.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
