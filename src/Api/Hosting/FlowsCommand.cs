using Ledger.Flows;
using Ledger.Storage;

namespace Ledger.Api.Hosting;

/// <summary>
/// <c>flows check</c>: rebuilds the balance-sheet flows from the events into scratch tables and
/// compares them with the live ones. <c>flows rebuild</c>: the same, then replaces the live rows.
/// Exit code 0 when they matched, 1 when they differed.
/// </summary>
public static class FlowsCommand
{
    public static bool Matches(string[] args) => args.Length > 0 && args[0] == "flows";

    public static async Task<int> RunAsync(WebApplicationBuilder builder, string[] args)
    {
        if (args.Length < 2 || args[1] is not ("check" or "rebuild"))
        {
            Console.Error.WriteLine("usage: flows check|rebuild");
            return 2;
        }
        var database = await LedgerDatabase.ResolveAsync(builder.Configuration);
        await database.MigrateAsync();
        var (dataSource, embedded) = (database.Owner, database.Embedded);
        try
        {
            var result = await new FlowRebuilder(dataSource, Console.WriteLine).RunAsync(replace: args[1] == "rebuild", CancellationToken.None);
            Console.WriteLine(result.Matches
                ? $"OK: the rebuilt flows equal the live ones ({result.EventsPerSecond:N0} events/s)"
                : $"DRIFT: {result.ExtraInLive} live rows are not in the rebuild, {result.MissingFromLive} rebuilt rows are not live"
                  + (result.Replaced ? " (live rows now replaced by the rebuild)" : ""));
            return result.Matches ? 0 : 1;
        }
        finally
        {
            if (embedded is not null) await embedded.StopAsync();
        }
    }
}
