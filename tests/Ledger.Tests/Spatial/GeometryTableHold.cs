using Npgsql;

namespace Ledger.Tests.Spatial;

/// <summary>
/// The geometry table held locked (access exclusive) in a transaction of its own: every map, overlap and tile read waits on
/// it, as slow as a read can be, until <see cref="ReleaseAsync"/> (or disposal) lets them go.
/// </summary>
public sealed class GeometryTableHold : IAsyncDisposable
{
    private GeometryTableHold(NpgsqlConnection connection, NpgsqlTransaction transaction) => (Connection, Transaction) = (connection, transaction);

    /// <summary>The holding connection and transaction, for queries that must see what waits.</summary>
    public NpgsqlConnection Connection { get; }

    public NpgsqlTransaction Transaction { get; }

    public static async Task<GeometryTableHold> TakeAsync(string connectionString)
    {
        var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        var tx = await conn.BeginTransactionAsync();
        await using (var hold = new NpgsqlCommand("lock table ledger.geo_versions in access exclusive mode", conn, tx))
            await hold.ExecuteNonQueryAsync();
        return new GeometryTableHold(conn, tx);
    }

    public Task ReleaseAsync() => Transaction.RollbackAsync();

    public async ValueTask DisposeAsync()
    {
        await Transaction.DisposeAsync();
        await Connection.DisposeAsync();
    }
}
