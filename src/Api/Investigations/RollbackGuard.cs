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
public sealed class RollbackGuard(NpgsqlDataSource db, CheckpointSigner signer, TrustedCheckpointFile file, Hosting.Topology topology,
    IConfiguration config, ILogger<RollbackGuard> log) : BackgroundService
{
    private volatile RollbackFinding _current = new(RollbackState.Unchecked, "not checked yet");
    private volatile IReadOnlyDictionary<string, RollbackFinding> _shards = new Dictionary<string, RollbackFinding>();

    /// <summary>The catalogue against the trusted checkpoint file.</summary>
    public RollbackFinding Current => _current;

    /// <summary>
    /// With shards: each shard against the head the newest national checkpoint (kept in the
    /// catalogue, which the file guards) attests for it. A shard behind or forked takes no events;
    /// the others go on.
    /// </summary>
    public IReadOnlyDictionary<string, RollbackFinding> Shards => _shards;

    /// <summary>The finding that stops writes to a database: the catalogue's (it guards the national checkpoints too), else the shard's own.</summary>
    public RollbackFinding? BlockingFor(string database) =>
        _current.Blocks ? _current : _shards.TryGetValue(database, out var f) && f.Blocks ? f : null;

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
        Report("catalogue", finding, _current);
        _current = finding;
        if (topology.Sharded) await CheckShardsAsync(ct);
        return finding;
    }

    private async Task CheckShardsAsync(CancellationToken ct)
    {
        var national = (await NationalCheckpoints.AllAsync(topology.Catalogue.Db, ct)).LastOrDefault();
        var found = new Dictionary<string, RollbackFinding>();
        foreach (var shard in topology.Shards)
        {
            RollbackFinding finding;
            try
            {
                finding = national is null ? new RollbackFinding(RollbackState.Unchecked, "no national checkpoint yet")
                    : topology.NotPrepared(shard) is not null ? new RollbackFinding(RollbackState.Unchecked, "not prepared yet")
                    : await RollbackCheck.CompareAsync(shard.Db, signer, national, shard.Name, ct);
            }
            catch (Exception e) when (Hosting.Topology.Unreachable(e))
            {
                // A shard that does not answer takes no writes anyway; keep what was last known of it.
                log.LogWarning(e, "Rollback check could not reach database {Database}", shard.Name);
                finding = _shards.GetValueOrDefault(shard.Name) ?? new RollbackFinding(RollbackState.Unchecked, "not reachable");
            }
            Report(shard.Name, finding, _shards.GetValueOrDefault(shard.Name));
            found[shard.Name] = finding;
        }
        _shards = found;
    }

    private void Report(string database, RollbackFinding finding, RollbackFinding? before)
    {
        if (finding.Blocks && finding.Explanation != before?.Explanation)
            log.LogCritical("Rollback check of database {Database}: {State}: {Explanation}", database, finding.State, finding.Explanation);
        else if (!finding.Blocks && before is { Blocks: true })
            log.LogWarning("Rollback check of database {Database}: {State} again: {Explanation}", database, finding.State, finding.Explanation);
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
        catch (Exception e) when (Hosting.Topology.Unreachable(e))
        {
            log.LogWarning(e, "Rollback check could not reach the database at start; will try again");
        }
        await base.StartAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var seconds = Ledger.Storage.OperatorSettings.RollbackCheckSeconds.Int(n => config[n]);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(seconds));
        while (await Hosting.Ticks.NextAsync(timer, ct))
        {
            try
            {
                await CheckNowAsync(ct);
            }
            catch (Exception e) when (Hosting.Topology.Unreachable(e))
            {
                log.LogWarning(e, "Rollback check could not reach the database; will try again");
            }
        }
    }
}
