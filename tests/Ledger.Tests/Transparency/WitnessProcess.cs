using System.Diagnostics;
using Ledger.Tests.Reliability;
using Ledger.Tests.Support;

namespace Ledger.Tests.Transparency;

/// <summary>
/// <c>ledger-verify witness</c> as its own process, as an audit office runs it: its key and state
/// in files that survive a restart, on a port of its own kept across restarts (the ledger's policy
/// file names its URL).
/// </summary>
public sealed class WitnessProcess(string name, string folder, params string[] logKeys) : IAsyncDisposable
{
    private Process? _process;
    private readonly List<string> _errors = [];

    public int Port { get; } = ApiProcess.FreePort();

    public Uri Url => new($"http://127.0.0.1:{Port}/");

    /// <summary>Its cosignature verifier key, the first line it prints.</summary>
    public string VerifierKey { get; private set; } = "";

    public static string Dll => Path.Combine(Repo.Root, "src", "Verifier", "bin", "Release", "net10.0", "ledger-verify.dll");

    public async Task StartAsync()
    {
        var file = name.Replace('/', '_');
        var psi = new ProcessStartInfo("dotnet", [Dll, "witness", "--name", name, "--key", Path.Combine(folder, $"{file}.key"),
            "--state", Path.Combine(folder, $"{file}.state"), "--listen", $"http://127.0.0.1:{Port}", "--log", .. logKeys])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        _process = Process.Start(psi)!;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (_errors) _errors.Add(e.Data);
        };
        _process.BeginErrorReadLine();
        VerifierKey = await _process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60))
                      ?? throw new InvalidOperationException($"the witness printed nothing; stderr: {await ExitedErrorsAsync()}");
        // The second line says where it listens: it is then ready.
        var listening = await _process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        if (listening is null || !listening.Contains($":{Port}", StringComparison.Ordinal))
            throw new InvalidOperationException($"the witness did not say it listens on {Port}: {listening}; stderr: {Errors}");
    }

    private async Task<string> ExitedErrorsAsync()
    {
        await _process!.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        return Errors;
    }

    /// <summary>What it wrote to standard error (its fork evidence goes there).</summary>
    public string Errors
    {
        get
        {
            lock (_errors) return string.Join('\n', _errors);
        }
    }

    public async Task StopAsync()
    {
        if (_process is null || _process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
