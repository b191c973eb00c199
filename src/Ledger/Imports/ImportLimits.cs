namespace Ledger.Imports;

/// <summary>
/// What import jobs may take: <c>LEDGER_IMPORT_WORKERS</c> jobs at once (default 2, shared fairly
/// among clients by <see cref="FairGate"/>) and <c>LEDGER_IMPORT_MAX_MINUTES</c> each (default 120):
/// a job still running then fails, keeping what it appended.
/// </summary>
public sealed record ImportLimits(int Workers, TimeSpan MaxRun)
{
    public static ImportLimits From(Func<string, string?> setting) => new(
        Storage.OperatorSettings.ImportWorkers.Int(setting),
        TimeSpan.FromMinutes(Storage.OperatorSettings.ImportMaxMinutes.Read(setting)));
}

/// <summary>The jobs running on this node, so a cancellation (<c>DELETE /imports/{id}</c>) stops one at once rather than at its next batch.</summary>
public sealed class ImportCancellations
{
    private readonly Dictionary<Guid, CancellationTokenSource> _running = [];

    public CancellationTokenSource Register(Guid id, CancellationToken stopping)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        lock (_running) _running[id] = source;
        return source;
    }

    public void Unregister(Guid id)
    {
        lock (_running) _running.Remove(id);
    }

    /// <summary>Cancels the job if it runs (or waits for a slot) on this node.</summary>
    public void Cancel(Guid id)
    {
        CancellationTokenSource? source;
        lock (_running) _running.TryGetValue(id, out source);
        try { source?.Cancel(); }
        catch (ObjectDisposedException) { }
    }
}
