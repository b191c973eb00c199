using Ledger.Api.Hosting;

namespace Ledger.Api.Commands;

/// <summary>The database a command works on, migrated, with the embedded cluster stopped again afterwards.</summary>
public static class LedgerDatabaseSession
{
    public static async Task<bool> WithDatabaseAsync(IConfiguration config, Func<LedgerDatabase, Task<bool>> work)
    {
        var database = await LedgerDatabase.ResolveAsync(config);
        try
        {
            await database.MigrateAsync();
            return await work(database);
        }
        finally
        {
            // A command may run inside a longer-lived process (the tests): return its pooled connections.
            await database.Owner.DisposeAsync();
            await database.Runtime.DisposeAsync();
            if (database.Embedded is not null) await database.Embedded.StopAsync();
        }
    }
}
