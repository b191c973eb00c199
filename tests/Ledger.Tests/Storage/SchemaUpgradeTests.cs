using Ledger.Storage;
using Ledger.Tests.Support;
using Npgsql;
using Shouldly;

namespace Ledger.Tests.Storage;

/// <summary>Indexes the ledger no longer defines are dropped when an existing database's schema is applied at start.</summary>
[Collection(LedgerCollection.Name)]
public sealed class SchemaUpgradeTests(LedgerApp app)
{
    [Fact]
    public async Task a_database_from_before_decision_42_loses_the_flows_stream_index()
    {
        await app.ExecuteSqlAsync($"create index if not exists ix_flows_stream on {LedgerStore.Schema}.flows (stream_id)");
        (await IndexExists("ix_flows_stream")).ShouldBeTrue();

        await using (var db = NpgsqlDataSource.Create(app.ConnectionString))
        await using (var store = LedgerStore.Create(db))
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

        (await IndexExists("ix_flows_stream")).ShouldBeFalse();
        (await IndexExists("ix_flows_region_date")).ShouldBeTrue();
    }

    private Task<bool> IndexExists(string name) =>
        app.ScalarAsync<bool>($"select exists (select 1 from pg_indexes where schemaname = '{LedgerStore.Schema}' and indexname = '{name}')");
}
