using Ledger.Storage;
using Wolverine;

namespace Ledger.Api.Hosting;

/// <summary>
/// How quickly the cluster notices a dead node. Every node writes a heartbeat each
/// <c>LEDGER_NODE_HEARTBEAT_SECONDS</c> (default 10, Wolverine's); the leader treats a node silent
/// for <c>LEDGER_NODE_STALE_SECONDS</c> (default 60, Wolverine's) as gone and gives its agents and
/// its unfinished inbox messages to the survivors. Shorter values move work sooner after a crash;
/// too short ejects a node that is only busy, and its work then runs twice for a while (harmless:
/// checkpoints and imports are idempotent, but wasted).
/// </summary>
public sealed record NodeHealth(TimeSpan Heartbeat, TimeSpan Stale)
{
    /// <summary>Read and checked before the host is built, so a bad value refuses the start with its name.</summary>
    public static NodeHealth From(IConfiguration config)
    {
        var health = new NodeHealth(TimeSpan.FromSeconds(OperatorSettings.NodeHeartbeatSeconds.Read(n => config[n])),
            TimeSpan.FromSeconds(OperatorSettings.NodeStaleSeconds.Read(n => config[n])));
        if (health.Stale <= health.Heartbeat)
            throw new StartupRefusedException(
                $"LEDGER_NODE_STALE_SECONDS ({health.Stale.TotalSeconds:0}) must be longer than the heartbeat " +
                $"(LEDGER_NODE_HEARTBEAT_SECONDS, {health.Heartbeat.TotalSeconds:0}): otherwise live nodes are ejected.");
        return health;
    }

    public void Apply(DurabilitySettings durability)
    {
        durability.HealthCheckPollingTime = Heartbeat;
        durability.FirstHealthCheckExecution = Min(Heartbeat, durability.FirstHealthCheckExecution);
        // The leader re-reads the assignments at least as often as nodes beat.
        durability.CheckAssignmentPeriod = Min(Heartbeat, durability.CheckAssignmentPeriod);
        durability.StaleNodeTimeout = Stale;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
