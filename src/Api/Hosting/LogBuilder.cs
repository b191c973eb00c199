using Ledger.Chain;

namespace Ledger.Api.Hosting;

/// <summary>
/// At start, and every <c>LEDGER_LOG_BUILD_SECONDS</c> after (default 60, for a shard that comes
/// up later; 0 = at start only), builds any database's log that is behind its chain
/// (<see cref="LogBackfill"/>), logging progress. Several nodes may do it at once: the chain's lock
/// serialises them and each chunk starts where the log ends.
/// </summary>
public sealed class LogBuilder(Topology topology, LogKeys keys, IConfiguration config, ILogger<LogBuilder> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var seconds = Ledger.Storage.OperatorSettings.LogBuildSeconds.Int(n => config[n]);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(seconds, 1)));
        do
        {
            foreach (var database in topology.All.Where(d => topology.NotPrepared(d) is null))
            {
                try
                {
                    await BuildAsync(database, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogError(e, "The transparency log of {Database} could not be built; trying again in a minute", database.Name);
                }
            }
        } while (seconds > 0 && await Ticks.NextAsync(timer, ct));
    }

    private async Task BuildAsync(LedgerShard database, CancellationToken ct)
    {
        var signer = keys.SignerFor(database.Name);
        var (size, chain) = await LogBackfill.StepAsync(database.Db, signer, ct);
        if (size > chain)
            log.LogCritical("The transparency log of {Database} holds {Size} entries but its chain only {Chain} links: the chain lost events. Run verify",
                database.Name, size, chain);
        if (size >= chain) return;
        log.LogWarning("Building the transparency log of {Database} from its chain: {Size:N0} of {Chain:N0} entries", database.Name, size, chain);
        var last = DateTime.UtcNow;
        while (size < chain)
        {
            (size, chain) = await LogBackfill.StepAsync(database.Db, signer, ct);
            if (DateTime.UtcNow - last < TimeSpan.FromSeconds(5) && size < chain) continue;
            log.LogWarning("Transparency log of {Database}: {Size:N0} of {Chain:N0} entries", database.Name, size, chain);
            last = DateTime.UtcNow;
        }
    }
}
