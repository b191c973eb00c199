using Ledger.Chain;

namespace Ledger.Api.Investigations;

/// <summary>Signs a checkpoint of the chain head every <c>LEDGER_CHECKPOINT_MINUTES</c> (default 10) when it has moved.</summary>
public sealed class CheckpointService(CheckpointWriter writer, RollbackGuard rollback, IConfiguration config, ILogger<CheckpointService> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var minutes = int.TryParse(config["LEDGER_CHECKPOINT_MINUTES"], out var m) && m > 0 ? m : 10;
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(minutes));
        while (await NextTickAsync(timer, ct))
        {
            try
            {
                if (rollback.Current.Blocks) continue; // signing a rolled-back head would bless it
                if (await writer.WriteAsync(ct) is { } c)
                {
                    log.LogInformation("Signed checkpoint at chain position {Position}", c.Position);
                    await rollback.RecordAsync(c, ct);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Could not write a checkpoint; will try again");
            }
        }
    }

    /// <summary>False when the host stops: stopping is not a failure of this service.</summary>
    private static async Task<bool> NextTickAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return false;
        }
    }
}
