using System.Text;

namespace LedgerVerify;

/// <summary>The checks of one receipt against the newer checkpoint.</summary>
internal sealed class ReceiptCheck(Policy policy, TrustedCheckpoint newer, Dictionary<(long, long), string> proofFiles, LogClient? client)
{
    private readonly Dictionary<long, IReadOnlyList<byte[]>> _proofs = [];

    public int ProofsChecked { get; private set; }

    public async Task VerifyAsync(Receipt receipt, Problems problems)
    {
        var where = receipt.Where;
        SignedNote note;
        try
        {
            note = SignedNote.Parse(receipt.Checkpoint);
        }
        catch (FormatException e)
        {
            throw new Invalid($"{where} checkpoint", $"not a signed note: {e.Message}");
        }
        // The receipt's own cosignatures are not needed: NEWER carries the quorum, and consistency carries it back.
        var own = Trust.LogSigned(note, policy, $"{where} checkpoint").Body;
        if (receipt.Log != own.Origin) throw new Invalid($"{where} log", $"'{receipt.Log}' is not the checkpoint's origin '{own.Origin}'");
        if (own.Origin != newer.Body.Origin) throw new Invalid($"{where} checkpoint", $"origin '{own.Origin}' is not the newer checkpoint's '{newer.Body.Origin}'");
        if (own.Size > newer.Body.Size) throw new Invalid($"{where} checkpoint", $"size {own.Size} is larger than the newer checkpoint's {newer.Body.Size}: give a newer checkpoint");
        await CheckConsistencyAsync(own, where);

        for (var i = 0; i < receipt.Entries.Count; i++)
        {
            var e = receipt.Entries[i];
            var at = $"{where} entries[{i}]";
            var before = problems.Count;
            problems.Check(() => CheckEntry(e, own, at));
            if (client is not null && problems.Count == before)
                await CheckInclusionAsync(e, own, at, problems);
        }
    }

    private async Task CheckConsistencyAsync(Checkpoint own, string where)
    {
        var to = newer.Body;
        if (own.Size == to.Size)
        {
            if (!own.Root.AsSpan().SequenceEqual(to.Root))
                throw new Invalid($"{where} checkpoint", $"FORK: size {own.Size} has root {own.RootBase64} here and {to.RootBase64} in the newer checkpoint; both are signed by the log");
            return;
        }
        if (own.Size == 0) return;
        if (!_proofs.TryGetValue(own.Size, out var proof))
        {
            if (proofFiles.TryGetValue((own.Size, to.Size), out var file))
                proof = ProofLines.Parse(Files.Read(file, "proof", 1 << 20), Path.GetFileName(file));
            else if (client is not null)
                proof = await client.ConsistencyAsync(to.Database, own.Size, to.Size);
            else
                throw new Invalid($"{where} checkpoint", $"no consistency proof from {own.Size} to {to.Size}: give --proof {own.Size}:{to.Size}=FILE, or --url and --key");
            _proofs[own.Size] = proof;
            ProofsChecked++;
        }
        if (!Merkle.VerifyConsistency(own.Size, to.Size, proof, own.Root, to.Root))
            throw new Invalid($"{where} checkpoint", $"the consistency proof from {own.Size} to {to.Size} does not verify: the receipt's tree is not shown to be a prefix of the newer one (a fork, or a wrong proof)");
    }

    private static void CheckEntry(ReceiptEntry e, Checkpoint own, string at)
    {
        LedgerEntry entry;
        try
        {
            entry = LedgerEntry.Parse(Encoding.UTF8.GetBytes(e.Entry));
        }
        catch (FormatException ex)
        {
            throw new Invalid($"{at} entry", $"not a ledger-event/v1 entry: {ex.Message}");
        }
        if (!Guid.TryParseExact(e.EventId, "D", out var id) || id.ToString("D") != entry.EventId)
            throw new Invalid($"{at} eventId", $"'{Checkpoint.Clip(e.EventId)}' is not the entry's event {entry.EventId}");
        if (e.Index != entry.Index) throw new Invalid($"{at} index", $"{e.Index} is not the entry's position − 1 = {entry.Index}");
        if (e.Index >= own.Size) throw new Invalid($"{at} index", $"{e.Index} is not inside the receipt checkpoint's {own.Size} entries");
    }

    private async Task CheckInclusionAsync(ReceiptEntry e, Checkpoint own, string at, Problems problems)
    {
        try
        {
            var proof = await client!.InclusionAsync(own.Database, e.Index, own.Size);
            if (proof.Checkpoint.Size == own.Size && !proof.Checkpoint.Root.AsSpan().SequenceEqual(own.Root))
                throw new Invalid(at, $"FORK: the server's proof names root {proof.Checkpoint.RootBase64} for size {own.Size}; the receipt's checkpoint says {own.RootBase64}");
            if (proof.Checkpoint.Text != own.Text) throw new Invalid(at, "the server's inclusion proof is against another checkpoint than the receipt's");
            if (proof.Index != e.Index) throw new Invalid(at, $"the server's inclusion proof is for index {proof.Index}, not {e.Index}");
            if (proof.Extra is null || !proof.Extra.AsSpan().SequenceEqual(Encoding.UTF8.GetBytes(e.Entry)))
                throw new Invalid(at, "the entry the server proves is not the receipt's entry text");
            if (!Merkle.VerifyInclusion(e.Index, own.Size, Merkle.LeafHash(proof.Extra), proof.Hashes, own.Root))
                throw new Invalid(at, $"the inclusion proof does not lead from entry {e.Index} to the receipt checkpoint's root");
        }
        catch (Invalid ex)
        {
            problems.Add(ex.Where, ex.What);
        }
    }
}
