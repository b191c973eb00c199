using Ledger.Storage;

namespace Ledger.Tests.Support;

/// <summary>One throwaway PostgreSQL cluster for the whole test run (or LEDGER_TEST_DB when set).</summary>
public static class TestDatabase
{
    private static readonly Lazy<Task<string>> Started = new(StartAsync);
    private static EmbeddedPostgres? _cluster;

    public static Task<string> ConnectionStringAsync() => Started.Value;

    private static async Task<string> StartAsync()
    {
        if (Environment.GetEnvironmentVariable("LEDGER_TEST_DB") is { Length: > 0 } given) return given;
        await RemoveAbandonedAsync();
        // One folder holds the data and the socket directory beside it, so one delete removes both.
        var root = Path.Combine(Path.GetTempPath(), $"{Prefix}{Environment.ProcessId}");
        ServerAccount.PrivateFolder(root);
        _cluster = await EmbeddedPostgres.StartAsync(Path.Combine(root, "pg"), durable: false);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            _cluster.StopAsync().GetAwaiter().GetResult();
            try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
        return _cluster.ConnectionString();
    }

    private const string Prefix = "ledger-test-";

    /// <summary>
    /// The test host is often killed right after the run, between stopping its cluster and deleting
    /// the folder, which then stays behind (200 MB a run). So each run removes the folders of test
    /// processes that no longer exist, unless their server still answers.
    /// </summary>
    private static async Task RemoveAbandonedAsync()
    {
        foreach (var root in Directory.GetDirectories(Path.GetTempPath(), Prefix + "*"))
        {
            if (!int.TryParse(Path.GetFileName(root)[Prefix.Length..], out var pid) || IsRunning(pid)) continue;
            try
            {
                if (PostgresSocket.Running(Path.Combine(root, "pg")) is { } server && await PostgresSocket.CanConnect(server.SocketDirectory, server.Port))
                    continue;
                Directory.Delete(root, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another account's folder, or one going away: not this run's to clean.
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
