namespace LedgerVerify;

/// <summary>A witness whose cosignature on a checkpoint verified, and the time it claims.</summary>
internal sealed record Cosigner(PolicyWitness Witness, long Time)
{
    public override string ToString() =>
        $"{Witness.Name} ({Witness.Key.Label}, at {DateTimeOffset.FromUnixTimeSeconds(Math.Min(Time, 253402300799)):yyyy-MM-ddTHH:mm:ssZ})";
}

/// <summary>A checkpoint the policy accepts: signed by one of its logs and, if asked, cosigned to its quorum.</summary>
internal sealed record TrustedCheckpoint(SignedNote Note, Checkpoint Body, VerifierKey LogKey, IReadOnlyList<Cosigner> Cosigners);

/// <summary>How a checkpoint note is checked against the policy the reader trusts.</summary>
internal static class Trust
{
    /// <summary>
    /// The log's signature only: a policy log whose key name is the checkpoint's origin must have
    /// signed it (signed-note rules: unknown keys ignored, a failing known key rejects the note).
    /// </summary>
    public static TrustedCheckpoint LogSigned(SignedNote note, Policy policy, string where)
    {
        Checkpoint body;
        try
        {
            body = Checkpoint.Parse(note.Text);
        }
        catch (FormatException e)
        {
            throw new Invalid(where, $"not a checkpoint: {e.Message}");
        }
        var logs = policy.Logs.Where(l => l.Key.Name == body.Origin).Select(l => l.Key).ToList();
        if (logs.Count == 0) throw new Invalid(where, $"no log in the policy has the origin '{body.Origin}' (a log's key name is its origin)");
        var (verified, problem) = note.Verify(logs);
        if (problem is not null) throw new Invalid(where, $"the log's signature: {problem}");
        return new TrustedCheckpoint(note, body, verified[0], []);
    }

    /// <summary>The log's signature and the policy's quorum, counting only cosignatures by the policy's witness keys.</summary>
    public static TrustedCheckpoint Cosigned(SignedNote note, Policy policy, string where)
    {
        var logSigned = LogSigned(note, policy, where);
        var text = NoteText.Encode(note.Text);
        var cosigners = new List<Cosigner>();
        foreach (var witness in policy.Witnesses)
            foreach (var signature in note.Signatures.Where(s => s.Name == witness.Key.Name && s.KeyId == witness.Key.KeyId))
            {
                // A line by a known key that fails rejects the note (signed-note: SHOULD), not just that line.
                if (!Cosignature.Verify(witness.Key.PublicKey, text, signature.Signature))
                    throw new Invalid(where, $"the cosignature of witness {witness.Name} ({witness.Key.Label}) does not verify");
                Cosignature.TryTime(signature.Signature, out var time);
                if (!cosigners.Any(c => c.Witness == witness)) cosigners.Add(new Cosigner(witness, time));
            }
        var names = cosigners.Select(c => c.Witness.Name).ToHashSet(StringComparer.Ordinal);
        if (!policy.Quorum.IsMetBy(names))
            throw new Invalid(where, $"the cosignatures do not meet the policy's quorum, {policy.Quorum.Describe()}; " +
                $"cosigned by {(names.Count == 0 ? "no witness of the policy" : string.Join(", ", names.Order(StringComparer.Ordinal)))}");
        return logSigned with { Cosigners = cosigners };
    }
}
