namespace Ledger.Imports;

/// <summary>
/// A fixed number of slots for import jobs, handed out fairly: when a slot frees, it goes to the
/// client with the fewest jobs running and, among those, the one served longest ago (its
/// longest-waiting job). So one client's long (or hostile) jobs hold at most the slots nobody
/// else asks for, and a client with a queue of jobs takes turns with the others.
/// </summary>
public sealed class FairGate(int slots)
{
    private sealed record Waiter(string Client, TaskCompletionSource<IDisposable> Granted);

    private readonly object _lock = new();
    private readonly Dictionary<string, int> _running = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _lastServed = new(StringComparer.Ordinal);
    private long _served;
    private readonly LinkedList<Waiter> _waiting = [];
    private int _free = slots;

    public async Task<IDisposable> EnterAsync(string client, CancellationToken ct)
    {
        Waiter waiter;
        LinkedListNode<Waiter> node;
        lock (_lock)
        {
            if (_free > 0 && _waiting.Count == 0) return Grant(client);
            waiter = new Waiter(client, new TaskCompletionSource<IDisposable>(TaskCreationOptions.RunContinuationsAsynchronously));
            node = _waiting.AddLast(waiter);
            Dispatch();
        }
        await using var _ = ct.Register(() =>
        {
            lock (_lock)
                if (node.List is not null) _waiting.Remove(node);
            waiter.Granted.TrySetCanceled(ct);
        });
        var slot = await waiter.Granted.Task.ConfigureAwait(false);
        return slot;
    }

    private IDisposable Grant(string client)
    {
        _free--;
        _running[client] = _running.GetValueOrDefault(client) + 1;
        _lastServed[client] = ++_served;
        return new Slot(this, client);
    }

    /// <summary>Under the lock: gives free slots to the fairest waiters.</summary>
    private void Dispatch()
    {
        while (_free > 0 && _waiting.Count > 0)
        {
            var next = _waiting.First!;
            for (var n = _waiting.First; n is not null; n = n.Next)
                if (Turn(n.Value.Client).CompareTo(Turn(next.Value.Client)) < 0) next = n;
            _waiting.Remove(next);
            if (!next.Value.Granted.TrySetResult(Grant(next.Value.Client))) Release(next.Value.Client);
        }
    }

    private (int Running, long LastServed) Turn(string client) => (_running.GetValueOrDefault(client), _lastServed.GetValueOrDefault(client));

    private void Release(string client)
    {
        _free++;
        if (--_running[client] == 0) _running.Remove(client);
    }

    private sealed class Slot(FairGate gate, string client) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 1) return;
            lock (gate._lock)
            {
                gate.Release(client);
                gate.Dispatch();
            }
        }
    }
}
