using System.Text;
using Npgsql;

namespace Ledger.Storage;

/// <summary>
/// Where the embedded cluster's Unix socket lives: <c>&lt;dataDir&gt;-run</c>, mode 0700, owned by
/// the server's OS user (<see cref="ServerAccount"/>). Unix socket paths are limited to about 100 bytes; a data directory deep
/// enough to pass that gets a fresh 0700 directory under the temp folder instead (the running
/// server's postmaster.pid records which, so a later start still finds it).
/// </summary>
public static class PostgresSocket
{
    /// <summary>sun_path holds 108 bytes with its terminator; keep a margin.</summary>
    private const int MaxSocketPath = 100;

    public static string ConnectionString(string directory, int port, string database, bool pooling) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = directory, Port = port, Username = "ledger", Database = database,
            Pooling = pooling, MaxPoolSize = 40,
        }.ConnectionString;

    public static string DirectoryFor(string dataDir)
    {
        var beside = dataDir.TrimEnd('/') + "-run";
        return Fits(beside) ? beside : Directory.CreateTempSubdirectory("ledger-pg-").FullName;
    }

    public static bool Fits(string directory) => Encoding.UTF8.GetByteCount($"{directory}/.s.PGSQL.65535") <= MaxSocketPath;

    /// <summary>
    /// Creates the directory if missing and makes it 0700 and the server user's. A symlink is
    /// refused: whoever planted it would choose where the socket goes.
    /// </summary>
    public static async Task Prepare(string directory)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("The embedded cluster needs Unix sockets; set LEDGER_DB.");
        if (new DirectoryInfo(directory).LinkTarget is not null || File.Exists(directory))
            throw new InvalidOperationException($"{directory} must be a plain directory for the PostgreSQL socket.");
        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await ServerAccount.HandOver(directory, recursive: false);
        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>After a clean stop the directory is empty: remove it (leave it when something is still there).</summary>
    public static void Remove(string directory)
    {
        try
        {
            if (Directory.Exists(directory) && !Directory.EnumerateFileSystemEntries(directory).Any()) Directory.Delete(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>A server running on this data directory, from postmaster.pid: its port and first socket directory ("" when it has none).</summary>
    public static (int Port, string SocketDirectory)? Running(string dataDir)
    {
        var pidFile = Path.Combine(dataDir, "postmaster.pid");
        if (!File.Exists(pidFile)) return null;
        try
        {
            var lines = File.ReadAllLines(pidFile);
            return lines.Length > 4 && int.TryParse(lines[3], out var port) ? (port, lines[4].Trim()) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public static async Task<bool> CanConnect(string directory, int port)
    {
        var probe = new NpgsqlConnectionStringBuilder(ConnectionString(directory, port, "postgres", pooling: false)) { Timeout = 2 };
        try
        {
            await using var conn = new NpgsqlConnection(probe.ConnectionString);
            await conn.OpenAsync();
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException or System.Net.Sockets.SocketException)
        {
            return false;
        }
    }
}
