using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace LedgerVerify;

/// <summary>
/// c2sp.org/tlog-witness <c>POST /add-checkpoint</c>, decided without I/O: the body is an
/// <c>old N</c> line, at most 63 base64 proof lines, an empty line and the checkpoint note. The
/// checks run in the spec's order: malformed 400, unknown origin 404, no trusted signature 403,
/// old above size 400, old not the latest cosigned size 409 (<c>text/x.tlog.size</c>), the same size
/// with another root 409, a consistency proof that fails 422; else 200 and a cosignature line.
/// </summary>
internal static class AddCheckpoint
{
    public const int MaxBodyBytes = 64 * 1024;
    private const string Text = "text/plain; charset=utf-8";
    public const string SizeType = "text/x.tlog.size";

    public static WitnessAnswer Decide(byte[] body, WitnessIdentity witness, Func<string, LogState?> latestOf, long now)
    {
        if (!TryParse(body, out var old, out var proof, out var note, out var checkpoint, out var malformed)) return Refuse(400, malformed);

        var keys = witness.Logs.Where(k => k.Name == checkpoint.Origin).ToList();
        if (keys.Count == 0) return Refuse(404, $"unknown log origin '{checkpoint.Origin}'");
        var (_, problem) = note.Verify(keys);
        if (problem is not null) return Refuse(403, $"the checkpoint is not signed by the log: {problem}");
        if (old > checkpoint.Size) return Refuse(400, $"old size {old} is larger than the checkpoint's size {checkpoint.Size}");

        var latest = latestOf(checkpoint.Origin);
        var latestSize = latest?.Size ?? 0;
        if (old != latestSize) return new WitnessAnswer(409, SizeType, $"{latestSize}\n");

        if (latest is not null && old == checkpoint.Size)
        {
            if (!latest.Root.AsSpan().SequenceEqual(checkpoint.Root))
                return Fork(409, $"size {old} was cosigned with root {Convert.ToBase64String(latest.Root)}, this checkpoint has {checkpoint.RootBase64}", latest, note, old, proof, now);
            if (proof.Count > 0) return Refuse(400, "a consistency proof between equal sizes is empty");
        }
        else if (old == 0)
        {
            if (proof.Count > 0) return Refuse(400, "the consistency proof from old size 0 is empty");
        }
        else if (!Merkle.VerifyConsistency(old, checkpoint.Size, proof, latest!.Root, checkpoint.Root))
        {
            return Fork(422, $"the consistency proof from {old} to {checkpoint.Size} does not verify", latest, note, old, proof, now);
        }

        // Size only grows: old == latest and old ≤ size, so nothing smaller than the latest is ever cosigned.
        var payload = Cosignature.Sign(witness.Signer, NoteText.Encode(note.Text), now);
        var line = new NoteSignature(witness.Name, witness.Key.KeyId, payload).Line;
        var state = new LogState(checkpoint.Size, checkpoint.Root, note + line);
        return new WitnessAnswer(200, Text, line, state, checkpoint.Origin);
    }

    private static bool TryParse(byte[] body, out long old, out List<byte[]> proof, out SignedNote note, out Checkpoint checkpoint, out string problem)
    {
        old = 0;
        proof = [];
        note = null!;
        checkpoint = null!;
        problem = "";
        if (!NoteText.TryDecode(body, out var text)) return Fail("the body is not UTF-8", out problem);
        var end = text.IndexOf('\n');
        if (end < 0 || !text.StartsWith("old ", StringComparison.Ordinal) || !DecimalText.TryParse(text[4..end], out old))
            return Fail("the first line is not 'old N' (decimal, no leading zero)", out problem);
        var at = end + 1;
        while (true)
        {
            end = text.IndexOf('\n', at);
            if (end < 0) return Fail("no empty line before the checkpoint", out problem);
            var line = text[at..end];
            at = end + 1;
            if (line.Length == 0) break;
            if (proof.Count == 63) return Fail("more than 63 consistency proof lines", out problem);
            if (!StrictBase64.TryDecodeHash(line, out var hash)) return Fail($"proof line {proof.Count + 1} is not the base64 of a 32-byte hash", out problem);
            proof.Add(hash);
        }
        try
        {
            note = SignedNote.Parse(text[at..]);
            checkpoint = Checkpoint.Parse(note.Text);
        }
        catch (FormatException e)
        {
            return Fail($"the checkpoint: {e.Message}", out problem);
        }
        return true;
    }

    private static WitnessAnswer Refuse(int status, string why) => new(status, Text, why + "\n");

    private static readonly JsonSerializerOptions Evidence = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A refusal that may prove the log forked: both checkpoints, each signed by the log, in one JSON line.</summary>
    private static WitnessAnswer Fork(int status, string why, LogState latest, SignedNote refused, long old, List<byte[]> proof, long now)
    {
        var evidence = JsonSerializer.Serialize(new
        {
            forkEvidence = Checkpoint.Parse(refused.Text).Origin,
            status,
            reason = why,
            time = now,
            cosigned = latest.Checkpoint,
            refused = refused.ToString(),
            old,
            proof = proof.Select(Convert.ToBase64String),
        }, Evidence);
        return new WitnessAnswer(status, Text, why + "\n", ForkEvidence: evidence);
    }

    private static bool Fail(string why, out string problem)
    {
        problem = why;
        return false;
    }
}
