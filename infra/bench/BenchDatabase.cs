using Ledger.Storage;
using Npgsql;

namespace Ledger.Bench;

/// <summary>A benchmark's database prepared as the service prepares its own: PostGIS, Marten's schema, the geometry tables.</summary>
internal static class BenchDatabase
{
    public static async Task<(NpgsqlDataSource Db, Marten.DocumentStore Store)> PrepareAsync(string connectionString)
    {
        var db = Postgis.DataSource(connectionString);
        await Postgis.EnsureAsync(db);
        var store = LedgerStore.Create(db);
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        await Ledger.Spatial.GeoTables.EnsureAsync(db);
        await Ledger.Chain.LogTables.EnsureStorageAsync(db);
        return (db, store);
    }
}
