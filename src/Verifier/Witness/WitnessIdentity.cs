namespace LedgerVerify;

/// <summary>
/// The answer to one add-checkpoint: status, content type and body; the state to persist before
/// answering (on 200 only); and, for a refusal that may show the log forked (422, or 409 for the same
/// size with another root), a JSON line holding both checkpoints for the witness's log.
/// </summary>
internal sealed record WitnessAnswer(int Status, string ContentType, string Body, LogState? NewState = null, string? Origin = null, string? ForkEvidence = null);

/// <summary>The witness's identity: its name, its key, and the log keys it trusts (key name = origin).</summary>
internal sealed record WitnessIdentity(string Name, Ed25519.Signer Signer, IReadOnlyList<VerifierKey> Logs)
{
    public VerifierKey Key { get; } = VerifierKey.For(Name, VerifierKey.CosignatureType, Signer.PublicKey);
}
