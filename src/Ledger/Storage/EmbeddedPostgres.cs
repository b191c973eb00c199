using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Ledger.Storage;

/// <summary>
/// The "embedded" default: a private PostgreSQL cluster started from the machine's own
/// server binaries, owned by this process. PostgreSQL refuses to run as root, so as root
/// every server command runs as the <c>postgres</c> OS user.
/// </summary>
public sealed class EmbeddedPostgres : IAsyncDisposable
{
    private readonly string _dataDir;
    private readonly string _binDir;
    private bool _startedHere;

    private EmbeddedPostgres(string dataDir, string binDir, int port)
    {
        _dataDir = dataDir;
        _binDir = binDir;
        Port = port;
    }

    public int Port { get; private set; }

    public string DataDirectory => _dataDir;

    public string ConnectionString(string database = "ledger") =>
        $"Host=127.0.0.1;Port={Port};Username=ledger;Database={database};Pooling=true;Maximum Pool Size=40";

    /// <summary>Starts (or reuses, when it is already running) the cluster in <paramref name="dataDir"/>.</summary>
    /// <param name="durable">false turns fsync off: for throwaway test clusters only.</param>
    public static async Task<EmbeddedPostgres> StartAsync(string dataDir, bool durable, Action<string>? log = null)
    {
        log ??= _ => { };
        dataDir = Path.GetFullPath(dataDir);
        var binDir = FindBinaries();
        var pg = new EmbeddedPostgres(dataDir, binDir, 0);

        if (!File.Exists(Path.Combine(dataDir, "PG_VERSION")))
        {
            log($"Initialising a private PostgreSQL cluster in {dataDir}");
            Directory.CreateDirectory(dataDir);
            pg.HandToServerUser(dataDir);
            await pg.RunServerCommand("initdb", "-D", dataDir, "-U", "ledger", "--auth=trust",
                "-E", "UTF8", "--locale=C.UTF-8", "--no-sync");
        }

        var runningPort = RunningPort(dataDir);
        if (runningPort is { } port && await CanConnect(port))
        {
            pg.Port = port;
            log($"Reusing the PostgreSQL cluster already running on port {port}");
        }
        else
        {
            pg.Port = FreePort();
            var options = $"-p {pg.Port} -c listen_addresses=127.0.0.1 -c unix_socket_directories= " +
                          "-c max_connections=200 -c shared_buffers=256MB" +
                          (durable ? "" : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
            await pg.RunServerCommand("pg_ctl", "-D", dataDir, "-o", options,
                "-l", Path.Combine(dataDir, "server.log"), "-w", "-t", "60", "start");
            pg._startedHere = true;
            log($"Started PostgreSQL on 127.0.0.1:{pg.Port}");
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
    }

    public async Task StopAsync()
    {
        if (!_startedHere) return;
        _startedHere = false;
        NpgsqlConnection.ClearAllPools();
        await RunServerCommand("pg_ctl", "-D", _dataDir, "-m", "fast", "-w", "stop");
    }

    /// <summary>Restarts the server as after a crash (immediate mode: no checkpoint, recovery from the WAL).</summary>
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

    private static bool IsRoot => Environment.UserName == "root";

    private void HandToServerUser(string dir)
    {
        if (!IsRoot) return;
        Run("chown", "-R", "postgres:postgres", dir).Wait();
    }

    private Task RunServerCommand(string tool, params string[] args)
    {
        var exe = Path.Combine(_binDir, tool);
        return IsRoot
            ? Run("runuser", ["-u", "postgres", "--", exe, .. args])
            : Run(exe, args);
    }

    private static async Task Run(string exe, params string[] args)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {exe}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
            throw new InvalidOperationException(
                $"{Path.GetFileName(exe)} {string.Join(' ', args)} failed ({p.ExitCode}): {await stderr}{await stdout}");
    }

    /// <summary>Port of a cluster already running on this data directory (from postmaster.pid), if any.</summary>
    private static int? RunningPort(string dataDir)
    {
        var pidFile = Path.Combine(dataDir, "postmaster.pid");
        if (!File.Exists(pidFile)) return null;
        try
        {
            var lines = File.ReadAllLines(pidFile);
            return lines.Length > 3 && int.TryParse(lines[3], out var port) ? port : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static async Task<bool> CanConnect(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port).WaitAsync(TimeSpan.FromSeconds(2));
            return true;
        }
        catch (Exception e) when (e is SocketException or TimeoutException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
