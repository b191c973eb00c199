using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Ledger.Storage;

/// <summary>
/// The "embedded" default: a private PostgreSQL cluster started from the machine's own
/// server binaries, owned by this process (as root, run as <see cref="ServerAccount"/>).
/// </summary>
/// <remarks>
/// The cluster trusts local connections, so it listens on no TCP address at all: only on a Unix
/// socket in a directory of mode 0700 owned by the server's OS user (see <see cref="PostgresSocket"/>).
/// Only that user and root can reach it; on 127.0.0.1 every local user could have connected as
/// the superuser. TCP connections are also rejected in pg_hba.conf, should anyone turn TCP on.
/// </remarks>
public sealed class EmbeddedPostgres : IAsyncDisposable
{
    private readonly string _dataDir;
    private readonly string _binDir;
    private bool _startedHere;

    private EmbeddedPostgres(string dataDir, string binDir)
    {
        _dataDir = dataDir;
        _binDir = binDir;
    }

    /// <summary>Names the socket file (<c>.s.PGSQL.&lt;port&gt;</c>); nothing listens on this TCP port.</summary>
    public int Port { get; private set; }

    /// <summary>The directory holding the server's socket: the only way in.</summary>
    public string SocketDirectory { get; private set; } = "";

    public string DataDirectory => _dataDir;

    public string ConnectionString(string database = "ledger") =>
        PostgresSocket.ConnectionString(SocketDirectory, Port, database, pooling: true);

    /// <summary>Starts (or reuses, when it is already running) the cluster in <paramref name="dataDir"/>.</summary>
    /// <param name="durable">false turns fsync off: for throwaway test clusters only.</param>
    /// <param name="extraOptions">more server settings (<c>-c name=value</c> …) when this call starts the server: the benchmarks' profiling.</param>
    /// <param name="port">the port (socket name) when this call starts the server, so a restarted cluster keeps its connection string; else a free one.</param>
    public static async Task<EmbeddedPostgres> StartAsync(string dataDir, bool durable, Action<string>? log = null, string? extraOptions = null,
        int? port = null)
    {
        log ??= _ => { };
        dataDir = Path.GetFullPath(dataDir);
        var pg = new EmbeddedPostgres(dataDir, FindBinaries());

        if (!File.Exists(Path.Combine(dataDir, "PG_VERSION")))
        {
            log($"Initialising a private PostgreSQL cluster in {dataDir}");
            Directory.CreateDirectory(dataDir);
            await ServerAccount.HandOver(dataDir);
            await pg.RunServerCommand("initdb", "-D", dataDir, "-U", "ledger", "--auth-local=trust", "--auth-host=reject",
                "-E", "UTF8", "--locale=C.UTF-8", "--lc-collate=C", "--no-sync");
        }

        var running = PostgresSocket.Running(dataDir);
        if (running is { SocketDirectory.Length: > 0 } r && await PostgresSocket.CanConnect(r.SocketDirectory, r.Port))
        {
            (pg.SocketDirectory, pg.Port) = (r.SocketDirectory, r.Port);
            log($"Reusing the PostgreSQL cluster already running on its socket in {r.SocketDirectory} (port {r.Port})");
        }
        else
        {
            if (running is { SocketDirectory.Length: 0 })
            {
                // Started by an earlier version, on 127.0.0.1 and without a socket: restart it the private way.
                log($"Stopping the PostgreSQL cluster in {dataDir} that listens on TCP; it restarts on its private socket");
                await pg.TryRunServerCommand("pg_ctl", "-D", dataDir, "-m", "fast", "-w", "stop");
            }
            pg.SocketDirectory = PostgresSocket.DirectoryFor(dataDir);
            await PostgresSocket.Prepare(pg.SocketDirectory);
            pg.Port = port ?? FreePort();
            var options = $"-p {pg.Port} -k {ShellQuote(pg.SocketDirectory)} -c listen_addresses= -c unix_socket_permissions=0700 " +
                          "-c max_connections=200 -c shared_buffers=256MB" +
                          (durable ? "" : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off") +
                          (extraOptions is null ? "" : " " + extraOptions);
            await pg.RunServerCommand("pg_ctl", "-D", dataDir, "-o", options,
                "-l", Path.Combine(dataDir, "server.log"), "-w", "-t", "60", "start");
            pg._startedHere = true;
            log($"Started PostgreSQL on its private socket in {pg.SocketDirectory} (port {pg.Port}; no TCP)");
        }

        await pg.EnsureDatabase("ledger");
        return pg;
    }

    public async Task EnsureDatabase(string name)
    {
        await using var conn = new NpgsqlConnection(ConnectionString("postgres"));
        await conn.OpenAsync();
        await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = @n", conn);
        exists.Parameters.AddWithValue("n", name);
        if (await exists.ExecuteScalarAsync() is null)
        {
            await using var create = new NpgsqlCommand($"create database \"{name}\"", conn);
            await create.ExecuteNonQueryAsync();
        }
        // The ledger's geometry needs PostGIS in every database the cluster serves it from. Unpooled: an idle
        // pooled connection would go stale across a server restart and fail its next user.
        await using var db = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString(name)) { Pooling = false }.ConnectionString);
        await db.OpenAsync();
        await Postgis.EnsureAsync(db);
    }

    public async Task StopAsync()
    {
        if (!_startedHere) return;
        _startedHere = false;
        NpgsqlConnection.ClearAllPools();
        await RunServerCommand("pg_ctl", "-D", _dataDir, "-m", "fast", "-w", "stop");
        PostgresSocket.Remove(SocketDirectory);
    }

    /// <summary>Restarts the server as after a crash (immediate mode: no checkpoint, recovery from the WAL).</summary>
    /// <remarks>pg_ctl restart reuses the recorded options (postmaster.opts), so the socket stays where it was.</remarks>
    public async Task RestartImmediateAsync()
    {
        await RunServerCommand("pg_ctl", "-D", _dataDir, "-m", "immediate", "-l", Path.Combine(_dataDir, "server.log"), "-w", "-t", "60", "restart");
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    private static string FindBinaries()
    {
        var fromEnv = Environment.GetEnvironmentVariable("LEDGER_PG_BIN");
        if (!string.IsNullOrWhiteSpace(fromEnv) && File.Exists(Path.Combine(fromEnv, "pg_ctl"))) return fromEnv;

        var debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "pg_ctl")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
        if (debian is not null) return debian;

        throw new InvalidOperationException(
            "No PostgreSQL server binaries found (looked in LEDGER_PG_BIN and /usr/lib/postgresql/*/bin). " +
            "Install them (Debian: apt-get install postgresql-15) or set LEDGER_DB to a PostgreSQL connection string.");
    }

    private Task RunServerCommand(string tool, params string[] args) => ServerAccount.Run(Path.Combine(_binDir, tool), args);

    private async Task TryRunServerCommand(string tool, params string[] args)
    {
        try
        {
            await RunServerCommand(tool, args);
        }
        catch (InvalidOperationException)
        {
            // A stale postmaster.pid: nothing was running.
        }
    }

    /// <summary>pg_ctl hands -o to a shell: quote the path so spaces or quotes in it stay one argument.</summary>
    private static string ShellQuote(string s) => "'" + s.Replace("'", "'\\''") + "'";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
