using Ledger.Storage;

namespace Ledger.Api.Hosting;

/// <summary>
/// At start, removes the upload and import folders that a killed process left in the temp folder
/// (a layer unpacks to up to 2 GiB), but never those of another node running on the same host
/// (<see cref="ScratchFolders"/>). In the background: a large folder must not hold the start up.
/// </summary>
public sealed class ScratchSweep(ILogger<ScratchSweep> log) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken ct) => Task.Run(() =>
    {
        try
        {
            var removed = ScratchFolders.SweepAbandoned();
            foreach (var folder in removed) log.LogInformation("Removed {Folder}, left behind by a process that no longer runs", folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.LogWarning(e, "Could not sweep the temp folder for abandoned uploads and imports");
        }
    }, ct);
}
