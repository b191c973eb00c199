using Ledger.Storage;
using Npgsql;

namespace Ledger.Integrity;

/// <summary>
/// A server-side cursor read in batches. Several can be open on one connection inside one
/// transaction, so in one snapshot: the check walks the events and each stored table side by
/// side in sequence order, holding no more than a batch of either.
/// </summary>
internal sealed class Cursor<T>(NpgsqlConnection conn, NpgsqlTransaction tx, string name, Func<NpgsqlDataReader, T> read) where T : class
{
    private const int Batch = 2_000;
    private readonly Queue<T> _rows = new();
    private bool _exhausted;

    public async Task OpenAsync(string sql, CancellationToken ct)
    {
        await using var cmd = LongRunning.Command($"declare {name} no scroll cursor for {sql}", conn, tx);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async ValueTask<T?> PeekAsync(CancellationToken ct)
    {
        if (_rows.Count == 0 && !_exhausted) await FetchAsync(ct);
        return _rows.TryPeek(out var row) ? row : null;
    }

    public T Take() => _rows.Dequeue();

    /// <summary>Closes the cursor; the caller's transaction goes on (verify reads more in it).</summary>
    public async Task CloseAsync(CancellationToken ct)
    {
        await using var cmd = LongRunning.Command($"close {name}", conn, tx);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private async Task FetchAsync(CancellationToken ct)
    {
        await using var cmd = LongRunning.Command($"fetch forward {Batch} from {name}", conn, tx);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var n = 0;
        while (await r.ReadAsync(ct))
        {
            _rows.Enqueue(read(r));
            n++;
        }
        _exhausted = n < Batch;
    }
}
