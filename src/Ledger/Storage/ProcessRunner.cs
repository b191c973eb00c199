using System.Diagnostics;

namespace Ledger.Storage;

/// <summary>Runs a tool to completion; a non-zero exit throws with what it printed.</summary>
internal static class ProcessRunner
{
    /// <summary>What a tool reading uploaded files may learn of the machine besides PATH: where GDAL and PROJ keep their data.</summary>
    private static readonly string[] PassedOn = ["GDAL_DATA", "GDAL_DRIVER_PATH", "PROJ_DATA", "PROJ_LIB"];

    /// <summary>
    /// How to start a tool on an uploaded file (ogr2ogr on a FileGDB): none of the service's environment
    /// (its keys, <c>LEDGER_*</c>, its database's connection) and <paramref name="folder"/> as its working
    /// directory, home and temp folder, so whatever the file makes it read or write stays in the job's
    /// folder. PATH is the system's; LANG and LC_ALL are C.UTF-8 (messages in English, names in UTF-8);
    /// GDAL's and PROJ's data paths are passed on when set. <paramref name="environment"/> adds to that.
    /// </summary>
    public static ProcessStartInfo Isolated(string exe, string folder, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = folder,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        var kept = PassedOn.Select(name => (name, value: Environment.GetEnvironmentVariable(name))).Where(v => v.value is { Length: > 0 }).ToList();
        psi.Environment.Clear();
        psi.Environment["PATH"] = "/usr/local/bin:/usr/bin:/bin";
        psi.Environment["HOME"] = folder;
        psi.Environment["TMPDIR"] = folder;
        psi.Environment["CPL_TMPDIR"] = folder;
        psi.Environment["LANG"] = "C.UTF-8";
        psi.Environment["LC_ALL"] = "C.UTF-8";
        foreach (var (name, value) in kept) psi.Environment[name] = value;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) psi.Environment[name] = value;
        return psi;
    }

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
