using JasperFx;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Wolverine.Runtime;
using Wolverine.Runtime.Agents;

namespace Ledger.Api.Hosting;

/// <summary>
/// Work that runs on a timer and must run on one node at a time: signing checkpoints, the
/// derived-table check and witnessing. Each job is a Wolverine agent; in Balanced mode Wolverine's leader assigns
/// every agent to exactly one live node and moves it to a survivor when that node stops sending
/// heartbeats (docs/operations.md, "Several nodes"). In Solo mode the one node runs them all.
/// </summary>
public sealed class PeriodicWorkFamily(IServiceProvider services) : IAgentFamily
{
    public const string SchemeName = "ledger-periodic";
    public static readonly Uri Checkpoints = new($"{SchemeName}://checkpoints/");
    public static readonly Uri DerivedCheck = new($"{SchemeName}://derived-check/");
    public static readonly Uri Witnessing = new($"{SchemeName}://witnessing/");
    private static readonly IReadOnlyList<Uri> All = [Checkpoints, DerivedCheck, Witnessing];

    public string Scheme => SchemeName;

    public ValueTask<IReadOnlyList<Uri>> AllKnownAgentsAsync() => ValueTask.FromResult(All);

    public ValueTask<IReadOnlyList<Uri>> SupportedAgentsAsync() => ValueTask.FromResult(All);

    public ValueTask<IAgent> BuildAgentAsync(Uri uri, IWolverineRuntime runtime)
    {
        IPeriodicJob job = uri == Checkpoints ? services.GetRequiredService<Investigations.CheckpointService>()
            : uri == DerivedCheck ? services.GetRequiredService<DerivedCheckService>()
            : uri == Witnessing ? services.GetRequiredService<WitnessService>()
            : throw new ArgumentOutOfRangeException(nameof(uri), uri, "not a periodic job of this service");
        return ValueTask.FromResult<IAgent>(new PeriodicAgent(uri, job, services.GetRequiredService<ILogger<PeriodicAgent>>()));
    }

    public ValueTask EvaluateAssignmentsAsync(AssignmentGrid assignments)
    {
        assignments.DistributeEvenly(SchemeName);
        return ValueTask.CompletedTask;
    }
}

/// <summary>One round of a periodic job, and how long to wait between rounds (null: do not run).</summary>
public interface IPeriodicJob
{
    string Description { get; }

    /// <summary>Null: this job is switched off. Zero: one round when the agent starts, then none.</summary>
    TimeSpan? Interval { get; }

    /// <summary>Whether the first round runs as the agent starts rather than one interval later.</summary>
    bool RunsAtStart { get; }

    Task RunOnceAsync(CancellationToken ct);
}

/// <summary>Runs a job's rounds while Wolverine has this node own the agent.</summary>
public sealed class PeriodicAgent(Uri uri, IPeriodicJob job, ILogger<PeriodicAgent> log) : IAgent
{
    private CancellationTokenSource? _stop;
    private Task _loop = Task.CompletedTask;

    public Uri Uri => uri;
    public AgentStatus Status { get; private set; } = AgentStatus.Stopped;
    public string Description => job.Description;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (Status == AgentStatus.Running) return Task.CompletedTask;
        _stop = new CancellationTokenSource();
        _loop = Task.Run(() => LoopAsync(_stop.Token), CancellationToken.None);
        Status = AgentStatus.Running;
        log.LogInformation("This node now runs {Job} ({Agent})", job.Description, uri);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stop is null) return;
        await _stop.CancelAsync();
        try
        {
            await _loop.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // the loop ends on cancellation; a stop that is itself cancelled just stops waiting
        }
        _stop.Dispose();
        _stop = null;
        Status = AgentStatus.Stopped;
        log.LogInformation("This node no longer runs {Job}", job.Description);
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(Status == AgentStatus.Running ? HealthCheckResult.Healthy() : HealthCheckResult.Degraded($"{job.Description} is {Status}"));

    private async Task LoopAsync(CancellationToken ct)
    {
        if (job.Interval is not { } interval) return;
        if (!job.RunsAtStart && !await WaitAsync(interval, ct)) return;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await job.RunOnceAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A failed round never stops the agent: the next round tries again.
                log.LogWarning(e, "{Job} failed; will try again", job.Description);
            }
            if (interval == TimeSpan.Zero || !await WaitAsync(interval, ct)) return;
        }
    }

    /// <summary>False when the agent stops meanwhile: stopping is not a failure of the job.</summary>
    private static async Task<bool> WaitAsync(TimeSpan interval, CancellationToken ct)
    {
        try
        {
            await Task.Delay(interval, ct);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
