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
        // One folder holds the data and the socket directory beside it, so one delete removes both.
        var root = Path.Combine(Path.GetTempPath(), $"ledger-test-{Environment.ProcessId}");
        ServerAccount.PrivateFolder(root);
        _cluster = await EmbeddedPostgres.StartAsync(Path.Combine(root, "pg"), durable: false);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            _cluster.StopAsync().GetAwaiter().GetResult();
            try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
        return _cluster.ConnectionString();
    }
}
