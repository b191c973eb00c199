using System.Diagnostics;

namespace Ledger.Storage;

/// <summary>Runs a tool to completion; a non-zero exit throws with what it printed.</summary>
internal static class ProcessRunner
{
    public static async Task Run(string exe, params string[] args)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {exe}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
            throw new InvalidOperationException(
                $"{Path.GetFileName(exe)} {string.Join(' ', args)} failed ({p.ExitCode}): {await stderr}{await stdout}");
    }
}
