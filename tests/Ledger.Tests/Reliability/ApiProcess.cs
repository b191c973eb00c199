using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Ledger.Tests.Support;

namespace Ledger.Tests.Reliability;

/// <summary>The real service as a separate process (the test project's copy of Ledger.Api.dll), so it can be SIGKILLed.</summary>
public sealed class ApiProcess(string connectionString, string adminKey, string checkpointKeyFile,
    IReadOnlyDictionary<string, string>? environment = null) : IAsyncDisposable
{
    private Process? _process;
    private readonly List<string> _output = [];
    private readonly List<(string Fragment, int Count, TaskCompletionSource Seen)> _watchers = [];
    public int Port { get; } = FreePort();
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");
    public int? ProcessId => _process?.Id;
    /// <summary>Prometheus's listener: a free port of its own, so processes started side by side never collide on the default 9464.</summary>
    public int MetricsPort { get; } = FreePort();
    public Uri MetricsAddress => new($"http://127.0.0.1:{MetricsPort}");

    public async Task StartAsync()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Ledger.Api.dll");
        var psi = new ProcessStartInfo("dotnet", [dll, "--urls", BaseAddress.ToString()])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory,
        };
        // Tests in this process set LEDGER_* variables process-wide (LedgerApp's checkpoint key PEM, which outranks the key
        // file; a test's rate limit), and a child inherits whatever is set the moment it starts: two processes of one drill
        // started on either side of LedgerApp's start signed with different keys. Only machine facts are inherited.
        foreach (var inherited in psi.Environment.Keys.Where(k => k.StartsWith("LEDGER_", StringComparison.Ordinal) && k is not ("LEDGER_PG_BIN" or "LEDGER_CJK_FONT")).ToList())
            psi.Environment.Remove(inherited);
        psi.Environment["LEDGER_DB"] = connectionString;
        psi.Environment["LEDGER_APP_ROLE"] = "ledger_app";
        psi.Environment.Remove("LEDGER_RUN_AS_OWNER");
        psi.Environment["LEDGER_DEMO"] = "0";
        psi.Environment["LEDGER_BOOTSTRAP_ADMIN_KEY"] = adminKey;
        psi.Environment["LEDGER_CHECKPOINT_KEY_FILE"] = checkpointKeyFile;
        psi.Environment["LEDGER_RATE_LIMIT"] = "10000";
        psi.Environment["LEDGER_METRICS_URLS"] = MetricsAddress.ToString();
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        // A killed node's work moves to the survivors once the leader finds it silent; seconds, not a minute, in tests.
        psi.Environment["LEDGER_NODE_HEARTBEAT_SECONDS"] = "1";
        psi.Environment["LEDGER_NODE_STALE_SECONDS"] = "4";
        // The log is on by default: a child signs with the suite's log key, so the shared database's checkpoints have one signer.
        psi.Environment["LEDGER_LOG_KEY"] = LedgerApp.LogKeySeed;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) psi.Environment[name] = value;
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, e) => Heard(e.Data);
        _process.ErrorDataReceived += (_, e) => Heard(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"the API exited with {_process.ExitCode}");
            try
            {
                if ((await http.GetAsync("/health")).IsSuccessStatusCode) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }
            await Task.Delay(200);
        }
        throw new TimeoutException("the API did not become healthy within 90 s");
    }

    /// <summary>Completes when the service has written a line containing <paramref name="fragment"/> (already or later).</summary>
    public Task WaitForOutputAsync(string fragment, TimeSpan timeout) => WaitForOutputAsync(fragment, 1, timeout);

    /// <summary>Completes when the service has written <paramref name="count"/> lines containing <paramref name="fragment"/> (already or later).</summary>
    public Task WaitForOutputAsync(string fragment, int count, TimeSpan timeout)
    {
        lock (_output)
        {
            if (_output.Count(l => l.Contains(fragment, StringComparison.Ordinal)) >= count) return Task.CompletedTask;
            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _watchers.Add((fragment, count, seen));
            return seen.Task.WaitAsync(timeout);
        }
    }

    /// <summary>Every line the service has written so far (standard output and error).</summary>
    public IReadOnlyList<string> Output
    {
        get { lock (_output) return [.. _output]; }
    }

    public int? ExitCode => _process is { HasExited: true } p ? p.ExitCode : null;

    /// <summary>How many lines containing <paramref name="fragment"/> the service has written so far.</summary>
    public int Written(string fragment)
    {
        lock (_output) return _output.Count(l => l.Contains(fragment, StringComparison.Ordinal));
    }

    private void Heard(string? line)
    {
        if (line is null) return;
        lock (_output)
        {
            _output.Add(line);
            foreach (var w in _watchers.Where(w => line.Contains(w.Fragment, StringComparison.Ordinal)
                                                   && _output.Count(l => l.Contains(w.Fragment, StringComparison.Ordinal)) >= w.Count))
                w.Seen.TrySetResult();
        }
    }

    /// <summary>Issues an API key through the service's own admin endpoint, as its bootstrap admin; returns the secret.</summary>
    public async Task<string> IssueKeyAsync(string name, string role, string scope = "000000")
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/admin/keys") { Content = JsonContent.Create(new { name, role, scope }) };
        request.Headers.Add("X-Api-Key", adminKey);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException($"issuing key {name} failed: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("key").GetString()!;
    }

    /// <summary>SIGKILL: no graceful shutdown, in-flight requests die with the process.</summary>
    public async Task KillAsync()
    {
        if (_process is null || _process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM: the host stops taking requests and lets those in flight finish.</summary>
    public async Task TerminateAsync()
    {
        await SignalTerminateAsync();
        await WaitForExitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>Sends SIGTERM and returns at once; the host begins its graceful stop.</summary>
    public async Task SignalTerminateAsync()
    {
        if (_process is null || _process.HasExited) return;
        using var kill = System.Diagnostics.Process.Start("kill", ["-TERM", _process.Id.ToString()]);
        await kill!.WaitForExitAsync();
    }

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        if (_process is null) return;
        await _process.WaitForExitAsync().WaitAsync(timeout);
    }

    public async ValueTask DisposeAsync() => await KillAsync();

    public static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
