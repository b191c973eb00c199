using Ledger.Access;
using Ledger.Chain;
using Ledger.Storage;
using Npgsql;

namespace Ledger.Api.Investigations;

/// <summary>
/// One verification at a time per ledger: it reads every event, so parallel runs only multiply
/// the cost. A request for a plain verification joins the one already running (its result is at
/// most that run's age); a verification against posted checkpoints waits its turn. No caller's
/// cancellation stops a run that others are waiting for.
/// </summary>
public sealed class VerifyRunner(Hosting.Topology topology, CheckpointSigner signer, Hosting.LedgerMetrics metrics, LogKeys logKeys)
{
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly object _gate = new();
    private Task<VerifyResult>? _plain;
    private int _runs;

    /// <summary>How many verifications this node has run (tests use it to see that requests shared one).</summary>
    public int Runs => _runs;

    public Task<VerifyResult> RunAsync(CancellationToken ct)
    {
        lock (_gate)
        {
            if (_plain is not { IsCompleted: false }) _plain = Task.Run(() => OneAtATimeAsync([], topology.Catalogue.Name));
            return _plain.WaitAsync(ct);
        }
    }

    /// <summary>Verifies with <paramref name="external"/> checkpoints as <paramref name="database"/>'s (they were exported from it).</summary>
    public Task<VerifyResult> RunAgainstAsync(IReadOnlyList<Checkpoint> external, string database, CancellationToken ct) =>
        Task.Run(() => OneAtATimeAsync(external, database)).WaitAsync(ct);

    private async Task<VerifyResult> OneAtATimeAsync(IReadOnlyList<Checkpoint> external, string externalDatabase)
    {
        await _turn.WaitAsync();
        try
        {
            Interlocked.Increment(ref _runs);
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            // Every database verifies its own chain, all at once (each on its own connection and server);
            // checkpoints posted from outside belong to the one database they were exported from.
            // A database that does not answer (or is not prepared yet) makes the verdict a 503 naming it, not a partial "ok".
            var each = await topology.EachAsync(topology.All, async (shard, _) => new ShardVerifyResult(shard.Name,
                await new ChainVerifier(shard.Db, signer, logKey: logKeys.SignerIfEnabled(shard.Name)?.VerifierKey.ToVerifier()).VerifyAsync(shard.Name == externalDatabase ? external : [], CancellationToken.None)));
            var result = VerifyResult.Combine(each);
            if (topology.Sharded) result = await WithNationalCheckpointsAsync(result);
            metrics.Verified(result.Ok, System.Diagnostics.Stopwatch.GetElapsedTime(started));
            return result;
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>
    /// The national checkpoints checked against every database's chain; a problem is added to the
    /// database it names (its own verdict turns false), so a rewrite shows where it happened.
    /// </summary>
    private async Task<VerifyResult> WithNationalCheckpointsAsync(VerifyResult result)
    {
        var found = await NationalCheckpoints.CheckAsync(topology.Catalogue.Db, signer, topology.All.ToDictionary(d => d.Name, d => d.Db), CancellationToken.None);
        if (found.Count == 0) return result;
        var shards = result.Shards.Select(s => found.Where(f => f.Shard == s.Name).Select(f => new VerifyProblem(0, f.What)).ToList() is { Count: > 0 } mine
            ? s with { Result = s.Result with { Ok = false, Problems = [.. s.Result.Problems, .. mine] } }
            : s).ToList();
        return VerifyResult.Combine(shards);
    }

    /// <summary>
    /// What a caller may see of a result. The whole ledger's integrity (<c>ok</c>) is everyone's
    /// concern, but a county investigator learns neither the nation's event count nor problems at
    /// sequences outside the county: counts and problems are cut to the caller's scope.
    /// </summary>
    public async Task<ScopedVerifyResult> ForAsync(ApiClient client, VerifyResult result, CancellationToken ct)
    {
        if (client.IsNational) return new ScopedVerifyResult(result, result.EventsChecked, result.Problems, null, result.Shards);
        // Below the nation, a caller sees only the database holding its scope.
        var shard = topology.For(client.Scope);
        var own = result.Shards.FirstOrDefault(s => s.Name == shard.Name) ?? new ShardVerifyResult(shard.Name, result);
        var (low, high) = Audit.BalanceSheets.SheetQuery.CodeRange(client.Scope);
        await using var conn = await shard.Db.OpenConnectionAsync(ct);
        await using var count = new NpgsqlCommand(
            $"select count(*) from {LedgerStore.Schema}.{Ledger.Investigations.EventIndex.Table} where region_code between @low and @high", conn);
        count.Parameters.AddWithValue("low", low);
        count.Parameters.AddWithValue("high", high);
        var inScope = (long)(await count.ExecuteScalarAsync(ct))!;

        var sequences = own.Result.Problems.Select(p => p.Sequence).Where(s => s > 0).Distinct().ToArray();
        var visible = new HashSet<long>();
        await using (var cmd = new NpgsqlCommand(
            $"select seq from {LedgerStore.Schema}.{Ledger.Investigations.EventIndex.Table} where seq = any(@seqs) and region_code between @low and @high", conn))
        {
            cmd.Parameters.AddWithValue("seqs", sequences);
            cmd.Parameters.AddWithValue("low", low);
            cmd.Parameters.AddWithValue("high", high);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) visible.Add(r.GetInt64(0));
        }
        var problems = own.Result.Problems.Where(p => visible.Contains(p.Sequence)).ToList();
        var mine = new ShardVerifyResult(own.Name, own.Result with { EventsChecked = inScope, Problems = problems,
            FirstBrokenSequence = problems.Count == 0 ? null : problems.Min(p => p.Sequence) });
        return new ScopedVerifyResult(result, inScope, problems, client.Scope, [mine]);
    }
}

/// <param name="Scope">The caller's scope when counts and problems were cut to it; null for the whole ledger.</param>
/// <param name="Shards">The databases' own results the caller may see: all for the nation, the one holding its scope below.</param>
public sealed record ScopedVerifyResult(VerifyResult Whole, long EventsChecked, IReadOnlyList<VerifyProblem> Problems, string? Scope,
    IReadOnlyList<ShardVerifyResult> Shards)
{
    public bool Ok => Whole.Ok;
    public long? FirstBrokenSequence => Scope is null ? Whole.FirstBrokenSequence : Problems.Count == 0 ? null : Problems.Min(p => p.Sequence);
}
