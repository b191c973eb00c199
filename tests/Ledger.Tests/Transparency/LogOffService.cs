using Ledger.Tests.Reliability;
using Ledger.Tests.Support;

namespace Ledger.Tests.Transparency;

/// <summary>
/// The service as a child process over the suite's database, keeping no transparency log
/// (<c>LEDGER_LOG=0</c>; the log is kept by default).
/// </summary>
public static class LogOffService
{
    public static async Task RunAsync(LedgerApp app, Func<ApiProcess, HttpClient, Task> use)
    {
        var keyFile = Path.Combine(Path.GetTempPath(), $"log-off-key-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(keyFile, LedgerApp.CheckpointKeyPem);
        try
        {
            await using var api = new ApiProcess(app.ConnectionString, LedgerApp.AdminKey, keyFile,
                new Dictionary<string, string> { ["LEDGER_LOG"] = "0", ["LEDGER_LOG_KEY"] = LedgerApp.LogKeySeed });
            await api.StartAsync();
            using var http = new HttpClient { BaseAddress = api.BaseAddress };
            await use(api, http);
        }
        finally
        {
            File.Delete(keyFile);
        }
    }
}
