using System.Diagnostics;
using System.Runtime.Versioning;
using Ledger.Storage;
using Ledger.Tests.Support;
using Shouldly;

namespace Ledger.Tests.Storage;

/// <summary>
/// A security review's finding: upload and import folders stayed in the temp folder when a job hung
/// or the process died. Each start now sweeps those of dead processes, and only those.
/// </summary>
[Collection(LedgerCollection.Name)]
[UnsupportedOSPlatform("windows")]
public sealed class ScratchFolderTests(LedgerApp app)
{
    [Fact]
    public void the_sweep_removes_folders_of_processes_that_no_longer_run_and_keeps_the_rest()
    {
        var root = Directory.CreateTempSubdirectory("scratch-sweep-").FullName;
        try
        {
            var dead = Folder(root, $"ledger-upload-{DeadProcessId()}-Ab12Cd", withFile: true);
            var live = Folder(root, $"ledger-import-{Environment.ProcessId}-Ef34Gh", withFile: true);
            var oldUnnamed = Folder(root, "ledger-upload-Xy56Zw");
            Directory.SetLastWriteTimeUtc(oldUnnamed, DateTime.UtcNow.AddDays(-2));
            var freshUnnamed = Folder(root, "ledger-import-Qr78St");
            var others = new[] { Folder(root, $"ledger-test-{DeadProcessId()}"), Folder(root, "ledger-pg-Ab12Cd"), Folder(root, $"ledger-ui-{DeadProcessId()}-x") };
            foreach (var o in others) Directory.SetLastWriteTimeUtc(o, DateTime.UtcNow.AddDays(-2));

            ScratchFolders.SweepAbandoned(root).Order().ShouldBe(new[] { dead, oldUnnamed }.Order());

            Directory.Exists(dead).ShouldBeFalse();
            Directory.Exists(oldUnnamed).ShouldBeFalse();
            Directory.Exists(live).ShouldBeTrue("a live process's folder is never swept");
            Directory.Exists(freshUnnamed).ShouldBeTrue("an unnamed folder may still be in use");
            others.ShouldAllBe(o => Directory.Exists(o), "only upload and import folders are the sweep's");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void a_scratch_folder_is_private_and_named_after_its_process()
    {
        var folder = ScratchFolders.Create("upload");
        try
        {
            Path.GetFileName(folder).ShouldStartWith($"ledger-upload-{Environment.ProcessId}-");
            Path.GetDirectoryName(folder).ShouldBe(Path.GetTempPath().TrimEnd(Path.DirectorySeparatorChar));
            File.GetUnixFileMode(folder).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        finally
        {
            Directory.Delete(folder);
        }
        Should.Throw<ArgumentException>(() => ScratchFolders.Create("../elsewhere"));
    }

    [Fact]
    public async Task a_start_sweeps_the_temp_folder()
    {
        var dead = Folder(Path.GetTempPath(), $"ledger-import-{DeadProcessId()}-{Guid.NewGuid():N}", withFile: true);
        var live = ScratchFolders.Create("import");
        try
        {
            await using var restarted = app.NewFactory();
            using var client = restarted.CreateClient();
            for (var i = 0; i < 100 && Directory.Exists(dead); i++) await Task.Delay(100);
            Directory.Exists(dead).ShouldBeFalse("the start removes a dead process's folder");
            Directory.Exists(live).ShouldBeTrue();
        }
        finally
        {
            Directory.Delete(live, recursive: true);
            if (Directory.Exists(dead)) Directory.Delete(dead, recursive: true);
        }
    }

    private static string Folder(string root, string name, bool withFile = false)
    {
        var path = Path.Combine(root, name);
        Directory.CreateDirectory(path);
        if (withFile) File.WriteAllText(Path.Combine(path, "upload"), "layer");
        return path;
    }

    /// <summary>The id of a process that has just ended (ids are reused only after the kernel wraps around).</summary>
    private static int DeadProcessId()
    {
        using var p = Process.Start(new ProcessStartInfo("true"))!;
        p.WaitForExit();
        return p.Id;
    }
}
