using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace LedgerVerify.Tests;

/// <summary>The built executable as an audit office runs it: a real process, real standard output, a real port.</summary>
public sealed partial class ProcessTests : IDisposable
{
    private readonly TempDir _dir = new();

    private static ProcessStartInfo Start(params string[] args)
    {
        // ledger-verify.dll, its deps and runtimeconfig are copied beside the tests by the project reference.
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ledger-verify.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        return info;
    }

    [GeneratedRegex(@"^audit\.test/process\+[0-9a-f]{8}\+B[A-Za-z0-9+/]{43}$")]
    private static partial Regex CosignatureVerifierKey();

    [Fact]
    public async Task the_witness_prints_its_verifier_key_first_then_the_url_and_cosigns_over_http()
    {
        using var log = new TestLog(6);
        using var process = Process.Start(Start("witness", "--name", "audit.test/process", "--key", _dir.File("witness.key"),
            "--state", _dir.File("state.json"), "--listen", "http://127.0.0.1:0", "--log", log.Key.VerifierKey))!;
        try
        {
            var first = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            var second = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
            first.ShouldNotBeNull();
            CosignatureVerifierKey().IsMatch(first).ShouldBeTrue(first);
            second!.ShouldStartWith("listening http://127.0.0.1:");
            var url = second["listening ".Length..];

            using var http = new HttpClient();
            var answer = await http.PostAsync(url + "/add-checkpoint", new StringContent($"old 0\n\n{log.Checkpoint(6)}", Encoding.UTF8));
            var body = await answer.Content.ReadAsStringAsync();
            ((int)answer.StatusCode).ShouldBe(200, body);
            var policy = Policy.Parse(Encoding.UTF8.GetBytes($"log {log.Key.VerifierKey}\nwitness office {first}\nquorum office\n"));
            Trust.Cosigned(SignedNote.Parse(log.Checkpoint(6) + body), policy, "process").Cosigners.Count.ShouldBe(1);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        // The key file the process created is kept with owner-only permissions.
        if (!OperatingSystem.IsWindows()) File.GetUnixFileMode(_dir.File("witness.key")).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    [Fact]
    public async Task the_executable_exits_2_on_a_usage_error_and_1_on_invalid_evidence()
    {
        using (var usage = Process.Start(Start("evidence"))!)
        {
            await usage.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            usage.ExitCode.ShouldBe(2);
            (await usage.StandardError.ReadToEndAsync()).ShouldContain("usage:");
        }
        using var f = new EvidenceFixture();
        f.Files["report.json"] = EvidenceFixture.Flip(f.Files["report.json"], 3);
        using var invalid = Process.Start(Start("evidence", f.Zip(_dir.File("b.zip")), "--policy", _dir.Write("policy", f.Policy())))!;
        var output = await invalid.StandardOutput.ReadToEndAsync();
        await invalid.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        invalid.ExitCode.ShouldBe(1);
        output.ShouldContain("INVALID report.json: its SHA-256");
    }

    public void Dispose() => _dir.Dispose();
}
