using Npgsql;

namespace Ledger.Storage;

/// <summary>
/// PostGIS is a dependency like PostgreSQL itself: geometry projections and overlaps live in it.
/// The extension is created in the ledger's database when the server has it; a server without
/// it is a refusal to start that names the package to install.
/// </summary>
public static class Postgis
{
    public const int Srid = 4490;

    /// <summary>
    /// A data source that maps PostGIS geometry to NetTopologySuite types, and prepares the statements it runs
    /// often (the ingest's dozen, each run per batch: parsing and planning them was ~5 % of the database's CPU
    /// under load) unless the connection string says otherwise (<c>Max Auto Prepare=0</c> behind a pooler
    /// that cannot carry prepared statements). <paramref name="name"/> is its pool's name in Npgsql's metrics
    /// and traces; without one Npgsql uses the connection string (host, port, database, user), which
    /// <c>/metrics</c> would then show to whoever can reach it.
    /// </summary>
    public static NpgsqlDataSource DataSource(string connectionString, string? name = null)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString) { Name = name };
        builder.UseNetTopologySuite();
        if (!SetsAutoPrepare(connectionString)) builder.ConnectionStringBuilder.MaxAutoPrepare = AutoPrepared;
        return builder.Build();
    }

    /// <summary>Statements kept prepared per connection: the ingest's and the sheets' with room to spare.</summary>
    public const int AutoPrepared = 64;

    private static bool SetsAutoPrepare(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString).Keys.Cast<string>().Any(k =>
            string.Equals(k.Replace(" ", ""), "MaxAutoPrepare", StringComparison.OrdinalIgnoreCase));

    public static async Task EnsureAsync(NpgsqlConnection conn, CancellationToken ct = default)
    {
        await using (var cmd = new NpgsqlCommand("""
            select exists (select 1 from pg_extension where extname = 'postgis'),
                   exists (select 1 from pg_available_extensions where name = 'postgis'),
                   current_setting('server_version_num')::int / 10000,
                   current_database()
            """, conn))
        {
            await using var r = await cmd.ExecuteReaderAsync(ct);
            await r.ReadAsync(ct);
            var (created, available, major, db) = (r.GetBoolean(0), r.GetBoolean(1), r.GetInt32(2), r.GetString(3));
            if (created) return;
            if (!available)
                throw new StartupRefusedException(
                    $"PostGIS is not installed on the PostgreSQL {major} server of database '{db}'. The ledger needs it for geometry and overlaps: " +
                    $"install the server's PostGIS package (Debian: apt-get install postgresql-{major}-postgis-3; ./run.sh and ./test.sh do this " +
                    "themselves when run as root), then start again.");
        }
        try
        {
            await using var create = new NpgsqlCommand("create extension if not exists postgis", conn);
            await create.ExecuteNonQueryAsync(ct);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InsufficientPrivilege)
        {
            throw new StartupRefusedException(
                $"PostGIS is installed on the server but not enabled in database '{conn.Database}', and the owner in LEDGER_DB may not " +
                $"enable it ({e.MessageText}). Ask a superuser to run: create extension postgis;");
        }
        await conn.ReloadTypesAsync(ct);
    }

    public static async Task EnsureAsync(NpgsqlDataSource db, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await EnsureAsync(conn, ct);
    }
}
