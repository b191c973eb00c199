using System.Security.Cryptography;
using Ledger.Storage;
using Npgsql;

namespace Ledger.Chain;

public enum RollbackState
{
    /// <summary>No trusted checkpoint was given: nothing to compare with.</summary>
    Unchecked,
    /// <summary>The chain holds the trusted checkpoint's position with the same hash (and may have grown since).</summary>
    Consistent,
    /// <summary>The chain ends before the trusted checkpoint: acknowledged events are missing (an older backup was restored).</summary>
    Behind,
    /// <summary>The chain has the position but a different hash there: the database holds another history.</summary>
    Forked,
    /// <summary>The trusted checkpoint is not signed by this ledger's key (a wrong or forged file).</summary>
    Untrusted,
}

public sealed record RollbackFinding(RollbackState State, string Explanation, long ChainHead = 0, long? TrustedPosition = null)
{
    /// <summary>True when the service must neither report ready nor take new events (they would reuse lost positions).</summary>
    public bool Blocks => State is RollbackState.Behind or RollbackState.Forked or RollbackState.Untrusted;
}

/// <summary>
/// Compares the database's chain with the newest checkpoint the operator keeps outside it. A
/// restore to an older backup leaves a chain that verifies perfectly on its own — only a
/// checkpoint signed later, kept elsewhere, shows that acknowledged events are gone. Two indexed
/// reads: cheap enough to run at start, periodically, and before trusting a restored database.
/// </summary>
public static class RollbackCheck
{
    public static async Task<RollbackFinding> CompareAsync(NpgsqlDataSource db, CheckpointSigner signer, Checkpoint? trusted, CancellationToken ct)
    {
        if (trusted is null) return new RollbackFinding(RollbackState.Unchecked, "no trusted checkpoint to compare with (LEDGER_TRUSTED_CHECKPOINT_FILE unset, or not written yet)");
        if (!signer.IsAuthentic(trusted))
            return new RollbackFinding(RollbackState.Untrusted,
                $"the trusted checkpoint at position {trusted.Position} is not signed by this ledger's checkpoint key: wrong file or wrong key", 0, trusted.Position);

        return await CompareToAsync(db, trusted.Position, trusted.Hash, $"signed at {trusted.SignedAt}", ct);
    }

    /// <summary>
    /// A shard against the head a national checkpoint attests for it (its signature and root
    /// already checked by the caller): the same findings as against a trusted checkpoint file.
    /// </summary>
    public static async Task<RollbackFinding> CompareAsync(NpgsqlDataSource db, CheckpointSigner signer, NationalCheckpoint national, string shard,
        CancellationToken ct)
    {
        if (!signer.VerifiesText(national.Message, national.Signature) || !national.Root.AsSpan().SequenceEqual(NationalCheckpoint.RootOf(national.Heads)))
            return new RollbackFinding(RollbackState.Untrusted, $"the national checkpoint signed at {national.SignedAt} does not verify (its root or its signature)");
        if (national.Heads.FirstOrDefault(h => h.Shard == shard) is not { } head)
            return new RollbackFinding(RollbackState.Unchecked, $"no national checkpoint attests database {shard} yet");
        return await CompareToAsync(db, head.Position, head.Hash, $"(database {shard}'s head in the national checkpoint signed at {national.SignedAt})", ct);
    }

    private static async Task<RollbackFinding> CompareToAsync(NpgsqlDataSource db, long position, byte[] hash, string what, CancellationToken ct)
    {
        var trusted = (Position: position, Hash: hash);
        var s = LedgerStore.Schema;
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand($"""
            select (select coalesce(max(position), 0) from {s}.{ChainTables.Links}),
                   (select hash from {s}.{ChainTables.Links} where position = @p)
            """, conn);
        cmd.Parameters.AddWithValue("p", trusted.Position);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        var head = r.GetInt64(0);
        var signed = what;
        if (head < trusted.Position)
            return new RollbackFinding(RollbackState.Behind,
                $"the database's chain ends at position {head}, but the checkpoint {signed} attests position {trusted.Position}: " +
                $"{trusted.Position - head} acknowledged events are missing — the database was restored to an older backup or its newest " +
                "events were removed. Restore the newer backup or replay its WAL; do not accept new events onto this state", head, trusted.Position);
        if (r.IsDBNull(1) || !CryptographicOperations.FixedTimeEquals((byte[])r[1], trusted.Hash))
            return new RollbackFinding(RollbackState.Forked,
                $"the chain's hash at position {trusted.Position} differs from the checkpoint {signed}: the database holds a different " +
                "history from the one that was signed (a fork). Run verify to find where they part", head, trusted.Position);
        return new RollbackFinding(RollbackState.Consistent,
            $"the chain contains the checkpoint {signed} at position {trusted.Position} (head {head})", head, trusted.Position);
    }
}
