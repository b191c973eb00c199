using System.Security.Cryptography;
using Ledger.Storage;
using Npgsql;

namespace Ledger.Chain;

/// <summary>
/// One thing verify found. <paramref name="Sequence"/> is the first event concerned (0 when none
/// is); <paramref name="Table"/> names the derived table that differs from the events, and is
/// null for problems of the chain itself.
/// </summary>
public sealed record VerifyProblem(long Sequence, string What, string? Table = null);

public sealed record VerifyResult(bool Ok, long EventsChecked, long? FirstBrokenSequence, int CheckpointsChecked, IReadOnlyList<VerifyProblem> Problems)
{
    /// <summary>No problem with the chain itself (the derived tables may still differ).</summary>
    public bool ChainIntact => Problems.All(p => p.Table is not null);

    /// <summary>The derived tables that differ from the events, in the order they were checked.</summary>
    public IReadOnlyList<string> DifferingTables => Problems.Select(p => p.Table).OfType<string>().Distinct().ToList();

    /// <summary>Each database's own result (contract 1.2), the catalogue first; one entry without shards.</summary>
    public IReadOnlyList<ShardVerifyResult> Shards { get; init; } = [];

    /// <summary>
    /// The nation's result from each database's: ok when all are; counts summed; each problem's
    /// text names its database (sequences are per database); the first broken sequence is the
    /// first broken database's.
    /// </summary>
    public static VerifyResult Combine(IReadOnlyList<ShardVerifyResult> shards) => shards.Count == 1
        ? shards[0].Result with { Shards = shards }
        : new VerifyResult(shards.All(s => s.Result.Ok), shards.Sum(s => s.Result.EventsChecked),
            shards.FirstOrDefault(s => s.Result.FirstBrokenSequence is not null)?.Result.FirstBrokenSequence,
            shards.Sum(s => s.Result.CheckpointsChecked),
            shards.SelectMany(s => s.Result.Problems.Select(p => p with { What = $"database {s.Name}: {p.What}" })).ToList()) { Shards = shards };
}

/// <summary>One database's verification.</summary>
public sealed record ShardVerifyResult(string Name, VerifyResult Result);

/// <summary>
/// Recomputes the chain from the event rows as they are now, and checks it against the
/// stored links, against events that have no link, and against signed checkpoints (those in
/// the database and any kept outside it). Then, in the same snapshot, checks the derived
/// tables against the events (<see cref="Integrity.DerivedCheck"/>).
/// </summary>
/// <param name="logKey">The log's verifier key for this database: with it the transparency log is recomputed and compared too (<see cref="LogCheck"/>).</param>
public sealed class ChainVerifier(NpgsqlDataSource db, CheckpointSigner signer, Action<string>? progress = null, Transparency.INoteVerifier? logKey = null)
{
    public async Task<VerifyResult> VerifyAsync(IReadOnlyList<Checkpoint> external, CancellationToken ct)
    {
        var s = LedgerStore.Schema;
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        await Integrity.DerivedCheck.LockAsync(conn, tx, [ChainTables.Links, ChainTables.Checkpoints], ct);
        var problems = new List<VerifyProblem>();
        var recomputed = new Dictionary<long, (byte[] Hash, long Seq)>();
        var wanted = (await CheckpointWriter.ReadAsync(conn, tx, ct)).Concat(external).ToList();
        // A checkpoint mismatch says history changed somewhere after the previous good checkpoint:
        // remember the sequence of the link after each checkpoint (and of the first link) to name it.
        var wantedPositions = wanted.SelectMany(c => new[] { c.Position, c.Position + 1 }).Append(1).ToHashSet();

        long checkedCount = 0, expectedPosition = 0;
        var hash = ChainHash.Genesis;
        var broken = false;
        await using (var cmd = LongRunning.Command($"""
            select c.position, c.seq, c.hash, e.seq_id is not null, case when e.seq_id is null then null else {ChainTables.CanonicalText} end
            from {s}.{ChainTables.Links} c left join {s}.mt_events e on e.seq_id = c.seq
            order by c.position
            """, conn, tx))
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                var (position, seq, stored) = (r.GetInt64(0), r.GetInt64(1), (byte[])r[2]);
                checkedCount++;
                if (!broken)
                {
                    if (position != ++expectedPosition)
                        Break(seq, $"chain link {expectedPosition} is missing");
                    else if (!r.GetBoolean(3))
                        Break(seq, "the event row of this link is missing (deleted)");
                    else
                    {
                        hash = ChainHash.Next(hash, r.GetString(4));
                        if (!CryptographicOperations.FixedTimeEquals(hash, stored))
                            Break(seq, "the event row differs from what was chained (changed or reordered), or its link was altered");
                    }
                }
                if (wantedPositions.Contains(position)) recomputed[position] = (broken ? stored : hash, seq);
                if (checkedCount % 200_000 == 0) progress?.Invoke($"  {checkedCount:N0} links checked");
            }
        }

        await using (var orphans = LongRunning.Command($"""
            select e.seq_id from {s}.mt_events e
            where not exists (select 1 from {s}.{ChainTables.Links} c where c.seq = e.seq_id) and not {MartenTombstones.Is("e")}
            order by e.seq_id limit 10
            """, conn, tx))
        await using (var r = await orphans.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
                problems.Add(new VerifyProblem(r.GetInt64(0), "an event row that is not in the chain (inserted behind the ledger's back)"));

        var checkpointsChecked = 0;
        long lastGood = 0;
        foreach (var c in wanted.OrderBy(c => c.Position))
        {
            checkpointsChecked++;
            var firstSuspect = recomputed.GetValueOrDefault(lastGood + 1).Seq;
            if (!signer.IsAuthentic(c))
                problems.Add(new VerifyProblem(recomputed.GetValueOrDefault(c.Position).Seq, $"checkpoint at position {c.Position} has an invalid signature"));
            else if (!recomputed.TryGetValue(c.Position, out var at))
                problems.Add(new VerifyProblem(0, $"checkpoint at position {c.Position} is beyond the chain (links were removed)"));
            else if (!CryptographicOperations.FixedTimeEquals(at.Hash, c.Hash))
                problems.Add(new VerifyProblem(firstSuspect,
                    $"the chain at position {c.Position} does not match the signed checkpoint: history between sequences {firstSuspect} and {at.Seq} was rewritten"));
            else
                lastGood = c.Position;
        }

        progress?.Invoke("  checking the derived tables against the events");
        var derived = await Integrity.DerivedCheck.RunAsync(conn, tx, progress, ct);
        // Codes stored before the rules were tightened bend roll-ups without touching an event.
        derived = [.. derived, .. await Investigations.StoredCodeCheck.RunAsync(db, ct)];
        if (logKey is not null)
        {
            progress?.Invoke("  recomputing the transparency log from the events");
            derived = [.. derived, .. await LogCheck.RunAsync(conn, tx, logKey, ct)];
        }
        // The first broken sequence stays the chain's when the chain is broken; otherwise it is
        // the first event whose derived rows differ (none when only, say, a made-up total does).
        var first = problems.Count > 0 ? problems.Min(p => p.Sequence)
            : derived.Where(p => p.Sequence > 0).Select(p => (long?)p.Sequence).Min();
        return new VerifyResult(problems.Count == 0 && derived.Count == 0, checkedCount, first, checkpointsChecked,
            [.. problems.OrderBy(p => p.Sequence), .. derived]);

        void Break(long seq, string what)
        {
            broken = true;
            problems.Add(new VerifyProblem(seq, what));
        }
    }
}
