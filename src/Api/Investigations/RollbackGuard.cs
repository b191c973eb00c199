using Ledger.Chain;
using Npgsql;

namespace Ledger.Api.Investigations;

/// <summary>
/// Holds the latest comparison of the chain with the trusted checkpoint (at start, then every
/// <c>LEDGER_ROLLBACK_CHECK_SECONDS</c>, default 60). While the database is behind or forked from
/// it, readiness is 503 and new events are refused with 503: appending onto a rolled-back chain
/// would hand out again the positions of the lost events and make the fork permanent. Reads go on,
/// so investigators can see what the database holds.
/// </summary>
public sealed class RollbackGuard(NpgsqlDataSource db, CheckpointSigner signer, TrustedCheckpointFile file, IConfiguration config,
    ILogger<RollbackGuard> log) : BackgroundService
{
    private volatile RollbackFinding _current = new(RollbackState.Unchecked, "not checked yet");

    public RollbackFinding Current => _current;

    public async Task<RollbackFinding> CheckNowAsync(CancellationToken ct)
    {
        RollbackFinding finding;
        try
        {
            finding = await RollbackCheck.CompareAsync(db, signer, file.Read(), ct);
        }
        catch (InvalidDataException e)
        {
            finding = new RollbackFinding(RollbackState.Untrusted, e.Message);
        }
        if (finding.Blocks && finding.Explanation != _current.Explanation)
            log.LogCritical("Rollback check: {State}: {Explanation}", finding.State, finding.Explanation);
        else if (!finding.Blocks && _current.Blocks)
            log.LogWarning("Rollback check: {State} again: {Explanation}", finding.State, finding.Explanation);
        _current = finding;
        return finding;
    }

    /// <summary>After signing a checkpoint: move the trusted file forward, only from a chain consistent with it.</summary>
    public async Task RecordAsync(Checkpoint signed, CancellationToken ct)
    {
        if (file.Path is null) return;
        if ((await CheckNowAsync(ct)).State is RollbackState.Consistent or RollbackState.Unchecked && file.MoveForward(signed, signer.PublicKeyPem()))
            log.LogInformation("Trusted checkpoint file {Path} now attests position {Position}", file.Path, signed.Position);
    }

    /// <summary>The first comparison happens before the host serves anything, so no write slips in ahead of it.</summary>
    public override async Task StartAsync(CancellationToken ct)
    {
        try
        {
            await CheckNowAsync(ct);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            log.LogWarning(e, "Rollback check could not reach the database at start; will try again");
        }
        await base.StartAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var seconds = int.TryParse(config["LEDGER_ROLLBACK_CHECK_SECONDS"], out var s) && s > 0 ? s : 60;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(seconds));
        while (await NextTickAsync(timer, ct))
        {
            try
            {
                await CheckNowAsync(ct);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                log.LogWarning(e, "Rollback check could not reach the database; will try again");
            }
        }
    }

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
