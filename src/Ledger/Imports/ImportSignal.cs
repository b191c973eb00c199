using System.Collections.Concurrent;

namespace Ledger.Imports;

/// <summary>
/// Tells waiting status requests on this node that an import wrote a progress row, so
/// <c>GET /imports/{id}?waitSeconds=</c> answers as soon as something changed instead of clients
/// polling on a clock. A job running on another node is not seen: the wait then simply ends at
/// its timeout with the status as it is.
/// </summary>
public sealed class ImportSignal
{
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource> _waiting = new();

    /// <summary>A task that completes at the import's next progress row. Take it before reading the status, so no row is missed.</summary>
    public Task NextChange(Guid id) => _waiting.GetOrAdd(id, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Changed(Guid id)
    {
        if (_waiting.TryRemove(id, out var waiting)) waiting.TrySetResult();
    }
}
