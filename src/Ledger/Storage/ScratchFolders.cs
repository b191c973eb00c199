using System.Text.RegularExpressions;

namespace Ledger.Storage;

/// <summary>
/// Private temporary folders for uploads and import jobs: <c>ledger-{kind}-{pid}-{random}</c> under the
/// temp folder. The owner deletes its folder when done; a process that dies (SIGKILL, power) cannot, so
/// each start sweeps the folders of processes that no longer run. The process id in the name is what
/// keeps the sweep off the folders of another live node on the same host — which needs the nodes to
/// share a process-id namespace (not containers with their own, sharing one temp folder).
/// </summary>
public static partial class ScratchFolders
{
    /// <summary>The kinds there are: a request's upload, a job's unpacked layer, a GeoPackage being written for download.</summary>
    public static readonly IReadOnlyList<string> Kinds = ["upload", "import", "export"];

    /// <summary>
    /// Folders named before the process id was part of the name (<c>ledger-upload-Ab12Cd</c>) have no
    /// owner to ask; they are removed once nothing has been added to them for this long. An import job
    /// is cancelled after 6 hours, and an upload lasts one request.
    /// </summary>
    public static readonly TimeSpan UnnamedOwnerAge = TimeSpan.FromDays(1);

    /// <summary>Creates a new 0700 folder for <paramref name="kind"/> (one of <see cref="Kinds"/>) and returns its path.</summary>
    public static string Create(string kind)
    {
        if (!Kinds.Contains(kind)) throw new ArgumentException($"no scratch folder kind '{kind}' (kinds: {string.Join(", ", Kinds)})", nameof(kind));
        // mkdtemp: a fresh name, created atomically, owner-only.
        return Directory.CreateTempSubdirectory($"ledger-{kind}-{Environment.ProcessId}-").FullName;
    }

    /// <summary>
    /// Removes the scratch folders under <paramref name="under"/> (default: the temp folder) whose process
    /// no longer runs, and unnamed ones older than <see cref="UnnamedOwnerAge"/>; returns what it removed.
    /// Folders it may not delete (another account's) are left alone.
    /// </summary>
    public static IReadOnlyList<string> SweepAbandoned(string? under = null)
    {
        var removed = new List<string>();
        var root = under ?? Path.GetTempPath();
        foreach (var kind in Kinds)
        foreach (var folder in Directory.EnumerateDirectories(root, $"ledger-{kind}-*"))
        {
            if (!Abandoned(Path.GetFileName(folder)[$"ledger-{kind}-".Length..], folder)) continue;
            try
            {
                Directory.Delete(folder, recursive: true);
                removed.Add(folder);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
        return removed;
    }

    private static bool Abandoned(string rest, string folder) =>
        Owner().Match(rest) is { Success: true } m
            ? !int.TryParse(m.Groups[1].Value, out var pid) || !Running(pid)
            : DateTime.UtcNow - Directory.GetLastWriteTimeUtc(folder) > UnnamedOwnerAge;

    /// <summary>The process id, then a dash: mkdtemp's random part has letters and digits only, never a dash.</summary>
    [GeneratedRegex(@"^([0-9]+)-.")]
    private static partial Regex Owner();

    private static bool Running(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
