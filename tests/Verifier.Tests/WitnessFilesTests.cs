using System.Text;

namespace LedgerVerify.Tests;

/// <summary>The witness's key file, state file and command line.</summary>
public sealed class WitnessFilesTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly TestKey _log = new("ledger.test/catalogue", 0x01);

    [Fact]
    public void a_missing_key_file_is_created_0600_with_a_base64_seed_and_read_back_as_the_same_key()
    {
        var path = _dir.File("witness.key");
        var log = new StringWriter();
        using var first = WitnessKey.LoadOrCreate(path, log);
        log.ToString().ShouldContain("generated a new witness key");
        if (!OperatingSystem.IsWindows()) File.GetUnixFileMode(path).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var text = File.ReadAllText(path);
        text.ShouldEndWith("\n");
        Convert.FromBase64String(text.TrimEnd('\n')).Length.ShouldBe(32);
        using var again = WitnessKey.LoadOrCreate(path, TextWriter.Null);
        again.PublicKey.ShouldBe(first.PublicKey);
    }

    [Theory]
    [InlineData("not base64\n")]
    [InlineData("AAAA\n")]
    [InlineData("")]
    public void a_key_file_that_is_not_one_base64_seed_is_refused(string content)
    {
        Should.Throw<UsageError>(() => WitnessKey.LoadOrCreate(_dir.Write("bad.key", content), TextWriter.Null)).Message.ShouldContain("32-byte Ed25519 seed");
    }

    [Fact]
    public void a_key_file_others_can_read_is_used_with_a_warning()
    {
        if (OperatingSystem.IsWindows()) return;
        var path = _dir.Write("open.key", Convert.ToBase64String(new byte[32]) + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        var log = new StringWriter();
        using var key = WitnessKey.LoadOrCreate(path, log);
        log.ToString().ShouldContain("chmod 600");
    }

    [Fact]
    public void the_state_file_round_trips_and_a_damaged_one_stops_the_witness_instead_of_being_overwritten()
    {
        using var log = new TestLog(3, "ledger.test/catalogue", _log);
        var path = _dir.File("state.json");
        var state = WitnessState.Load(path);
        state.Latest(log.Origin).ShouldBeNull();
        state.Save(log.Origin, new LogState(3, log.Root(3), log.Checkpoint(3)));
        File.Exists(path + ".tmp").ShouldBeFalse();
        var read = WitnessState.Load(path).Latest(log.Origin)!;
        (read.Size, read.Checkpoint).ShouldBe((3L, log.Checkpoint(3)));
        read.Root.ShouldBe(log.Root(3));

        var text = File.ReadAllText(path);
        foreach (var damaged in new[] { text[..^5], text.Replace("\"size\": 3", "\"size\": 4"), new System.Text.RegularExpressions.Regex("\"root\": \"[^\"]+\"").Replace(text, $"\"root\": \"{Convert.ToBase64String(log.Root(2))}\"", 1), "[]", text.Replace("ledger-witness-state/v1", "v0") })
        {
            File.WriteAllText(path, damaged);
            Should.Throw<UsageError>(() => WitnessState.Load(path), damaged).Message.ShouldContain("refusing to start");
            File.ReadAllText(path).ShouldBe(damaged);
        }
    }

    [Fact]
    public void witness_usage_errors_exit_2()
    {
        string[] Args(params string[] more) => ["witness", "--name", "audit.test/w", "--key", _dir.File("k"), "--state", _dir.File("s"), .. more];
        var vkey = _log.VerifierKey;
        Cli.Run(Args("--listen", "http://127.0.0.1:0")).Code.ShouldBe(2);
        Cli.Run(Args("--log", vkey)).Code.ShouldBe(2);
        Cli.Run(Args("--listen", "https://127.0.0.1:0", "--log", vkey)).Err.ShouldContain("is not http://HOST:PORT");
        Cli.Run(Args("--listen", "http://127.0.0.1:0/prefix", "--log", vkey)).Code.ShouldBe(2);
        Cli.Run(Args("--listen", "http://127.0.0.1:0", "--log", "nonsense")).Code.ShouldBe(2);
        using var cosigner = new TestKey("audit.test/other", 0x04);
        Cli.Run(Args("--listen", "http://127.0.0.1:0", "--log", cosigner.VerifierKey)).Err.ShouldContain("a log key has signature type 0x01");
        var r = Cli.Run("witness", "--name", "audit test", "--key", _dir.File("k"), "--state", _dir.File("s"), "--listen", "http://127.0.0.1:0", "--log", vkey);
        r.Code.ShouldBe(2);
        r.Err.ShouldContain("is not a key name");
        File.Exists(_dir.File("k")).ShouldBeFalse();
    }

    [Fact]
    public async Task a_second_witness_on_the_same_state_file_is_refused_while_the_first_runs()
    {
        string[] args = ["witness", "--name", "audit.test/w", "--key", _dir.File("k"), "--state", _dir.File("s"), "--listen", "http://127.0.0.1:0", "--log", _log.VerifierKey];
        using var stop = new CancellationTokenSource();
        var output = new WatchedWriter("listening ");
        var first = Task.Run(() => Program.Run(args, output, TextWriter.Null, stop.Token));
        await Task.WhenAny(output.Seen, first).WaitAsync(TimeSpan.FromSeconds(30));
        output.ToString().Split('\n')[0].ShouldStartWith("audit.test/w+");
        var second = Cli.Run(args);
        second.Code.ShouldBe(2);
        second.Err.ShouldContain("in use by another witness");
        await stop.CancelAsync();
        (await first).ShouldBe(0);
    }

    public void Dispose()
    {
        _log.Dispose();
        _dir.Dispose();
    }
}

/// <summary>Collects what is written and completes <see cref="Seen"/> once the text holds a fragment.</summary>
internal sealed class WatchedWriter(string fragment) : StringWriter
{
    private readonly TaskCompletionSource _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Seen => _seen.Task;

    public override void Write(char value)
    {
        lock (this) base.Write(value);
        Check();
    }

    public override void Write(string? value)
    {
        lock (this) base.Write(value);
        Check();
    }

    public override void Write(char[] buffer, int index, int count)
    {
        lock (this) base.Write(buffer, index, count);
        Check();
    }

    public override string ToString()
    {
        lock (this) return base.ToString();
    }

    private void Check()
    {
        if (ToString().Contains(fragment, StringComparison.Ordinal)) _seen.TrySetResult();
    }
}
