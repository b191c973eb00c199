using System.Diagnostics;
using Shouldly;

namespace Ledger.Tests.Monitoring;

/// <summary>
/// Debian's promtool (package <c>prometheus</c>; test.sh installs it through <c>ensure_promtool</c>).
/// Missing promtool fails the test that needs it: a check that silently passes proves nothing.
/// </summary>
public static class Promtool
{
    public static async Task<(int Exit, string Output)> RunAsync(string? stdin, params string[] args)
    {
        var path = Find() ?? throw new ShouldAssertException(
            "promtool not found on PATH: install Debian's prometheus package (sudo apt-get install --no-install-recommends prometheus); ./test.sh does so as root");
        var psi = new ProcessStartInfo(path, args)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Support.Repo.Root,
        };
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>Fails with promtool's own words unless it exits 0.</summary>
    public static async Task CheckAsync(string? stdin, params string[] args)
    {
        var (exit, output) = await RunAsync(stdin, args);
        exit.ShouldBe(0, $"promtool {string.Join(' ', args)} said:\n{output}");
    }

    private static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Select(dir => Path.Combine(dir, "promtool")).FirstOrDefault(File.Exists);
}
