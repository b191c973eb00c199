using System.Diagnostics;
using Ledger.Storage;
using Shouldly;

namespace Ledger.Tests.Storage;

/// <summary>
/// A security review's finding: ogr2ogr, run on an uploaded FileGDB, inherited the service's whole
/// environment (LEDGER_BOOTSTRAP_ADMIN_KEY among it) and ran in the repository's root.
/// </summary>
public sealed class IsolatedProcessTests
{
    private static readonly string[] Given = ["PATH", "HOME", "TMPDIR", "CPL_TMPDIR", "LANG", "LC_ALL", "OSR_DEFAULT_AXIS_MAPPING_STRATEGY"];
    private static readonly string[] GdalData = ["GDAL_DATA", "GDAL_DRIVER_PATH", "PROJ_DATA", "PROJ_LIB"];

    [Fact]
    public async Task a_tool_run_on_an_upload_inherits_no_variables_and_works_in_its_own_folder()
    {
        const string secret = "LEDGER_ISOLATION_TEST_KEY";
        var folder = ScratchFolders.Create("import");
        Environment.SetEnvironmentVariable(secret, "s3cret-value");
        try
        {
            var extra = new Dictionary<string, string> { ["OSR_DEFAULT_AXIS_MAPPING_STRATEGY"] = "TRADITIONAL_GIS_ORDER" };
            var start = ProcessRunner.Isolated("/usr/bin/env", folder, [], extra);
            start.WorkingDirectory.ShouldBe(folder);
            start.Environment.Keys.ShouldAllBe(k => Given.Contains(k) || GdalData.Contains(k));
            start.Environment["HOME"].ShouldBe(folder);
            start.Environment["LC_ALL"].ShouldBe("C.UTF-8");

            // What the tool itself sees.
            var seen = (await OutputAsync(start)).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=', 2)[0]).ToList();
            seen.ShouldNotContain(secret);
            seen.ShouldAllBe(k => Given.Contains(k) || GdalData.Contains(k));
            var inherited = Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(k => !Given.Contains(k) && !GdalData.Contains(k)).ToList();
            inherited.ShouldContain(secret);
            seen.Intersect(inherited).ShouldBeEmpty();
            (await OutputAsync(ProcessRunner.Isolated("/bin/pwd", folder, []))).Trim().ShouldBe(folder);
        }
        finally
        {
            Environment.SetEnvironmentVariable(secret, null);
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<string> OutputAsync(ProcessStartInfo start)
    {
        using var p = Process.Start(start)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        p.ExitCode.ShouldBe(0, await p.StandardError.ReadToEndAsync());
        return output;
    }
}
