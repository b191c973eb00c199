using Ledger.Chain;

namespace Ledger.Api.Hosting;

/// <summary>
/// Asks the witnesses to cosign each database's newest checkpoint (<see cref="Witnessing"/>). A
/// periodic job: one node of the cluster runs it (<see cref="PeriodicWorkFamily"/>), every half of
/// <c>LEDGER_WITNESS_SECONDS</c>, so a checkpoint is submitted within that time of the log growing.
/// </summary>
public sealed class WitnessService(WitnessConfig config, LogKeys keys, Topology topology, LedgerMetrics metrics, IHttpClientFactory clients,
    ILogger<Witnessing> log) : IPeriodicJob
{
    private readonly Witnessing _witnessing = new(config.Policy, clients.CreateClient(nameof(WitnessService)), config.Within / 2, log);

    public string Description => "witnessing";

    public TimeSpan? Interval => keys.Enabled && config.Submits ? config.Within / 2 : null;

    public bool RunsAtStart => true;

    public async Task RunOnceAsync(CancellationToken ct)
    {
        foreach (var d in topology.All.Where(d => topology.NotPrepared(d) is null))
        foreach (var outcome in await _witnessing.RoundAsync(d.Name, d.Db, ct))
            metrics.WitnessAnswered(outcome);
    }
}
