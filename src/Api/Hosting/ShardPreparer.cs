namespace Ledger.Api.Hosting;

/// <summary>
/// Brings in the shards that did not answer when this node started: every
/// <c>LEDGER_SHARD_RETRY_SECONDS</c> (default 10) it applies the schema to each that answers now,
/// and from then on its provinces are served. Until then anything needing them is 503 naming the
/// database; the other provinces are served all along. Each node does this for itself, as each
/// node prepares every database at its own start.
/// </summary>
public sealed class ShardPreparer(Topology topology, IConfiguration config, ILogger<ShardPreparer> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        if (topology.Waiting.Count == 0) return;
        var seconds = Ledger.Storage.OperatorSettings.ShardRetrySeconds.Int(n => config[n]);
        foreach (var w in topology.Waiting)
            log.LogError("Database {Database} (provinces {Provinces}) did not answer at start: {Why}. Its provinces answer 503 until it does; trying again every {Seconds} s",
                w.Spec.Name, string.Join(", ", w.Spec.Provinces), w.Why, seconds);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(seconds));
        while (topology.Waiting.Count > 0 && await Ticks.NextAsync(timer, ct))
        {
            try
            {
                foreach (var ready in await topology.PrepareWaitingAsync())
                    log.LogWarning("Database {Database} answers: schema applied, provinces {Provinces} served again", ready.Spec.Name, string.Join(", ", ready.Spec.Provinces));
                foreach (var w in topology.Waiting)
                    log.LogDebug("Database {Database} still does not answer; trying again in {Seconds} s", w.Spec.Name, seconds);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // It answered, but with an error: say so loudly, and keep trying (an operator may be fixing it).
                log.LogCritical(e, "A waiting database answered but could not be prepared; trying again in {Seconds} s", seconds);
            }
        }
    }
}
