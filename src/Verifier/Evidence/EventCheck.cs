using System.Security.Cryptography;
using System.Text;

namespace LedgerVerify;

/// <summary>One event of a bundle: its proof, its entry and its canonical text.</summary>
internal static class EventCheck
{
    public static void Verify(ManifestEvent ev, byte[] text, byte[] proofBytes, TrustedCheckpoint trusted)
    {
        var proofFile = $"proofs/{ev.EventId}.tlog-proof";
        var textFile = $"events/{ev.EventId}.txt";
        TlogProof proof;
        try
        {
            proof = TlogProof.Parse(proofBytes);
        }
        catch (FormatException e)
        {
            throw new Invalid(proofFile, e.Message);
        }
        // The signatures were checked on the bundle's checkpoint; the proof must be about that same tree.
        if (proof.Note.Text != trusted.Note.Text) throw new Invalid(proofFile, "embeds another checkpoint than the bundle's 'checkpoint' (its body differs)");
        if (proof.Extra is null) throw new Invalid(proofFile, "has no 'extra' line: the ledger's proofs carry the entry there");
        LedgerEntry entry;
        try
        {
            entry = LedgerEntry.Parse(proof.Extra);
        }
        catch (FormatException e)
        {
            throw new Invalid($"{proofFile} line 2 (extra)", $"not a ledger-event/v1 entry: {e.Message}");
        }
        if (entry.EventId != ev.EventId) throw new Invalid($"{proofFile} line 2 (extra)", $"the entry is event {entry.EventId}, not {ev.EventId}");
        if (entry.Position != ev.Position) throw new Invalid($"{proofFile} line 2 (extra)", $"the entry's position {entry.Position} is not the manifest's {ev.Position}");
        var indexLine = "line 3 (index)";
        if (proof.Index != entry.Index) throw new Invalid($"{proofFile} {indexLine}", $"index {proof.Index} is not the entry's position − 1 = {entry.Index}");
        if (proof.Index >= trusted.Body.Size) throw new Invalid($"{proofFile} {indexLine}", $"index {proof.Index} is not inside the checkpoint's {trusted.Body.Size} entries");
        if (!Merkle.VerifyInclusion(proof.Index, trusted.Body.Size, Merkle.LeafHash(proof.Extra), proof.Hashes, trusted.Body.Root))
            throw new Invalid(proof.Hashes.Count == 0 ? $"{proofFile} (no proof lines)" : $"{proofFile} lines 4–{3 + proof.Hashes.Count}", $"the inclusion proof does not lead from entry {proof.Index} to the checkpoint's root {trusted.Body.RootBase64}");

        var hash = SHA256.HashData(text);
        if (!hash.AsSpan().SequenceEqual(entry.TextHash))
            throw new Invalid(textFile, $"its SHA-256 {Convert.ToBase64String(hash)} is not the entry's {Convert.ToBase64String(entry.TextHash)}: the log holds another text");
        var prefix = Encoding.ASCII.GetBytes($"{DecimalText.Of(ev.Sequence)}|{ev.EventId}|");
        if (!text.AsSpan().StartsWith(prefix))
            throw new Invalid(textFile, $"does not begin '{DecimalText.Of(ev.Sequence)}|{ev.EventId}|' (the manifest's sequence and event id)");
    }
}
