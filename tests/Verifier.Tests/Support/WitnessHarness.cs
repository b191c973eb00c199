using System.Text;

namespace LedgerVerify.Tests;

/// <summary>A clock that says what the test says.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>
/// A witness listening in-process on a free port, for a log of 40 events the test signs, with its
/// state in a temporary file and its standard error captured. <see cref="RestartAsync"/> starts a
/// new server on the same state file, as after a reboot.
/// </summary>
internal sealed class WitnessHarness : IAsyncDisposable
{
    public const string Name = "audit.test/witness";

    private WitnessServer? _server;

    private WitnessHarness(TempDir dir)
    {
        Dir = dir;
        Signer = Ed25519.Signer.Generate();
        Identity = new WitnessIdentity(Name, Signer, [VerifierKey.Parse(Log.Key.VerifierKey)]);
    }

    public TestLog Log { get; } = new(40);

    public TempDir Dir { get; }

    public Ed25519.Signer Signer { get; }

    public WitnessIdentity Identity { get; }

    public FixedClock Clock { get; } = new(DateTimeOffset.FromUnixTimeSeconds(1_765_000_000));

    public StringWriter Err { get; } = new();

    public HttpClient Http { get; } = new();

    public string StatePath => Dir.File("state.json");

    public string Url => _server!.Url;

    /// <summary>A policy in which this log and this witness are all a reader trusts.</summary>
    public Policy Policy => Policy.Parse(Encoding.UTF8.GetBytes($"log {Log.Key.VerifierKey}\nwitness me {Identity.Key}\nquorum me\n"));

    public static async Task<WitnessHarness> StartAsync()
    {
        var h = new WitnessHarness(new TempDir());
        await h.RestartAsync();
        return h;
    }

    /// <summary>Each size saved, in the order the saves happened (taken just before each save).</summary>
    public List<long> Saved { get; } = [];

    /// <summary>
    /// When set, the next save waits inside the witness's lock until this many more requests have
    /// reached the witness: every racing writer is then at the lock (or, without it, past it) while
    /// one save is half done, whatever the machine's speed.
    /// </summary>
    public void HoldNextSaveUntilArrivals(int requests)
    {
        Interlocked.Exchange(ref _arrived, 0);
        Volatile.Write(ref _holdFor, requests);
    }

    private int _arrived;
    private int _holdFor;

    public async Task RestartAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        _server = await WitnessServer.StartAsync("http://127.0.0.1:0", Identity, WitnessState.Load(StatePath), Clock, Err, state =>
        {
            lock (Saved) Saved.Add(state.Size);
            var holdFor = Interlocked.Exchange(ref _holdFor, 0);
            if (holdFor > 0 && !SpinWait.SpinUntil(() => Volatile.Read(ref _arrived) >= holdFor, TimeSpan.FromSeconds(30)))
                throw new TimeoutException($"{holdFor} requests did not reach the witness within 30 s");
        }, () => Interlocked.Increment(ref _arrived));
    }

    /// <summary>The add-checkpoint body: old size, proof lines (by default the real proof), empty line, checkpoint (by default the log's).</summary>
    public string Body(int old, int size, IEnumerable<byte[]>? proof = null, string? checkpoint = null) =>
        $"old {old}\n{TestLog.Lines(proof ?? (old == 0 || old == size ? [] : Log.Consistency(old, size)))}\n{checkpoint ?? Log.Checkpoint(size)}";

    public Task<Answer> PostAsync(string body) => PostAsync(Encoding.UTF8.GetBytes(body));

    public async Task<Answer> PostAsync(byte[] body)
    {
        using var answer = await Http.PostAsync(Url + "/add-checkpoint", new ByteArrayContent(body));
        return new Answer((int)answer.StatusCode, answer.Content.Headers.ContentType?.ToString() ?? "", await answer.Content.ReadAsStringAsync());
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        Http.Dispose();
        Signer.Dispose();
        Log.Dispose();
        Dir.Dispose();
    }
}

public sealed record Answer(int Status, string ContentType, string Body)
{
    public override string ToString() => $"{Status} {ContentType}: {Body}";
}
