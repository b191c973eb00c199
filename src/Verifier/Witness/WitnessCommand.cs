namespace LedgerVerify;

/// <summary>
/// <c>witness --name NAME --key KEYFILE --state STATEFILE --listen http://HOST:PORT --log VKEY…</c>:
/// a c2sp.org/tlog-witness for an audit office's own machine. The first line of standard output is
/// its cosignature verifier key (for the office's and the ledger's policies), the second the URL it
/// listens on; everything else goes to standard error.
/// </summary>
internal static class WitnessCommand
{
    public static int Run(string[] args, TextWriter output, TextWriter error, CancellationToken stop)
    {
        var a = Args.Parse(args, single: ["name", "key", "state", "listen"], repeatable: [], many: ["log"]);
        if (a.Plain.Count > 0) throw new UsageError($"witness takes no plain argument ('{a.Plain[0]}')");
        var name = a.Required("name");
        if (!KeyNames.IsValid(name)) throw new UsageError($"--name '{name}' is not a key name (non-empty, no space, no '+'); a URL without scheme is usual, e.g. audit.example/witness");
        var logs = a.All("log").Select(ParseLogKey).ToList();
        if (logs.Count == 0) throw new UsageError("--log needs at least one log verifier key");
        var listen = a.Required("listen");
        if (!Uri.TryCreate(listen, UriKind.Absolute, out var uri) || uri.Scheme != "http" || uri.AbsolutePath != "/" || uri.Query.Length > 0)
            throw new UsageError($"--listen {listen} is not http://HOST:PORT (for TLS, put a proxy in front)");
        var statePath = a.Required("state");
        var keyPath = a.Required("key");

        using var stateLock = LockState(statePath);
        var state = WitnessState.Load(statePath);
        using var signer = WitnessKey.LoadOrCreate(keyPath, error);
        var witness = new WitnessIdentity(name, signer, logs);

        output.WriteLine(witness.Key.ToString());
        output.Flush();
        return Serve(listen, witness, state, output, error, stop).GetAwaiter().GetResult();
    }

    private static async Task<int> Serve(string listen, WitnessIdentity witness, WitnessState state, TextWriter output, TextWriter error, CancellationToken stop)
    {
        WitnessServer server;
        try
        {
            server = await WitnessServer.StartAsync(listen, witness, state, TimeProvider.System, error);
        }
        catch (IOException e)
        {
            throw new UsageError($"cannot listen on {listen}: {e.Message}");
        }
        await using (server)
        {
            output.WriteLine($"listening {server.Url}");
            output.Flush();
            foreach (var log in witness.Logs) error.WriteLine($"witnessing {log.Name} ({log.Label}), latest cosigned size {state.Latest(log.Name)?.Size ?? 0}");
            await server.WaitAsync(stop);
        }
        return 0;
    }

    private static VerifierKey ParseLogKey(string text)
    {
        VerifierKey key;
        try
        {
            key = VerifierKey.Parse(text);
        }
        catch (FormatException e)
        {
            throw new UsageError($"--log {text}: {e.Message}");
        }
        return key.Type == VerifierKey.LogType ? key : throw new UsageError($"--log {text}: a log key has signature type 0x01, not 0x{key.Type:x2}");
    }

    /// <summary>One witness process per state file: a second one would break the atomic check-and-save.</summary>
    private static FileStream LockState(string statePath)
    {
        try
        {
            return new FileStream(statePath + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new UsageError($"the state {statePath} is in use by another witness ({e.Message})");
        }
    }
}
