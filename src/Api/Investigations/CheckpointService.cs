using Ledger.Api.Hosting;
using Ledger.Chain;

namespace Ledger.Api.Investigations;

/// <summary>
/// Signs a checkpoint of the chain head every <c>LEDGER_CHECKPOINT_MINUTES</c> (default 10) when it
/// has moved. A periodic job: one node of the cluster runs it (<see cref="PeriodicWorkFamily"/>).
/// </summary>
public sealed class CheckpointService(CheckpointWriter writer, RollbackGuard rollback, Topology topology, CheckpointSigner signer, NodaTime.IClock clock,
    IConfiguration config, ILogger<CheckpointService> log)
    : IPeriodicJob
{
    public string Description => "checkpoint signing";

    public TimeSpan? Interval => TimeSpan.FromMinutes(Ledger.Storage.OperatorSettings.CheckpointMinutes.Read(n => config[n]));

    public bool RunsAtStart => false;

    public async Task RunOnceAsync(CancellationToken ct)
    {
        // This node's own comparison with its trusted file: signing a rolled-back head would bless it.
        if (rollback.Current.Blocks) return;
        if (await writer.WriteAsync(ct) is { } c)
        {
            log.LogInformation("Signed checkpoint at chain position {Position}", c.Position);
            await rollback.RecordAsync(c, ct);
        }
        await SignShardsAsync(ct);
    }

    /// <summary>
    /// With shards: each shard's chain head signed in its own database with the same key, then one
    /// national checkpoint over every database's newest head, kept in the catalogue. Returns what
    /// was signed per shard (null where its head already was). Nothing without shards.
    /// </summary>
    public async Task<IReadOnlyList<(string Shard, Checkpoint? Signed)>> SignShardsAsync(CancellationToken ct)
    {
        if (!topology.Sharded) return [];
        var signed = new List<(string, Checkpoint?)>();
        // A shard behind or forked from the national checkpoint is not signed, and no national
        // checkpoint is signed while one is: either would bless the rolled-back state.
        if (topology.Shards.Any(d => rollback.BlockingFor(d.Name) is not null)) return [];
        // Nor while a shard this node has not prepared is missing from the heads: a national checkpoint attests them all.
        if (topology.Waiting.Count > 0) return [];
        foreach (var shard in topology.Shards)
        {
            var s = await new CheckpointWriter(shard.Db, signer, clock).WriteAsync(ct);
            if (s is not null) log.LogInformation("Signed checkpoint of database {Shard} at chain position {Position}", shard.Name, s.Position);
            signed.Add((shard.Name, s));
        }
        var heads = new List<ShardHead>();
        foreach (var d in topology.All)
            if (await NationalCheckpoints.HeadOfAsync(d.Name, d.Db, ct) is { } head) heads.Add(head);
        if (heads.Count > 0 && await NationalCheckpoints.WriteAsync(topology.Catalogue.Db, signer, heads, clock.GetCurrentInstant(), ct) is { } national)
            log.LogInformation("Signed national checkpoint {Root} over {Databases} database heads", Convert.ToHexStringLower(national.Root)[..16], heads.Count);
        return signed;
    }
}
