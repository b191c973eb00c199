using System.Text;

namespace LedgerVerify;

/// <summary>
/// <c>receipts --policy POLICY --checkpoint NEWER RECEIPT.json…</c>: each receipt's checkpoint was
/// signed by a log the policy trusts and is consistent with NEWER (which meets the quorum), so the
/// events the receipt acknowledged are still in the log NEWER describes. Consistency proofs come
/// from <c>--proof FROM:TO=FILE</c> files or from the server (<c>--url</c>, <c>--key</c>); with the
/// server, each entry's inclusion at the receipt's size is checked too.
/// </summary>
internal static class ReceiptsCommand
{
    public static int Run(string[] args, TextWriter output)
    {
        var a = Args.Parse(args, single: ["policy", "checkpoint", "url", "key"], repeatable: ["proof"], many: []);
        if (a.Plain.Count == 0) throw new UsageError("receipts needs at least one RECEIPT.json");
        var policy = Files.ReadPolicy(a.Required("policy"));
        var newerPath = a.Required("checkpoint");
        var proofFiles = a.All("proof").Select(ParseProofOption).ToDictionary(p => (p.From, p.To), p => p.File);
        var url = a.Optional("url");
        var key = a.Optional("key");
        if ((url is null) != (key is null)) throw new UsageError("--url and --key go together");
        if (url is not null && !(Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme is "http" or "https")) throw new UsageError($"--url {url} is not an http(s) URL");
        var files = a.Plain.Select(p => (Path: p, Bytes: Files.Read(p, "receipt", ReceiptFile.MaxBytes))).ToList();

        var newerName = Path.GetFileName(newerPath);
        SignedNote newerNote;
        try
        {
            newerNote = SignedNote.Parse(Files.Read(newerPath, "checkpoint", SignedNote.MaxBytes));
        }
        catch (FormatException e)
        {
            throw new Invalid(newerName, $"not a signed note: {e.Message}");
        }
        var newer = Trust.Cosigned(newerNote, policy, newerName);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var client = url is null ? null : new LogClient(http, url, key!);
        var check = new ReceiptCheck(policy, newer, proofFiles, client);
        var problems = new Problems();
        var receipts = 0;
        var entries = 0;
        foreach (var (path, bytes) in files)
        {
            IReadOnlyList<Receipt> found = [];
            problems.Check(() => found = ReceiptFile.Read(path, bytes));
            foreach (var receipt in found)
            {
                var before = problems.Count;
                problems.Check(() => check.VerifyAsync(receipt, problems).GetAwaiter().GetResult());
                if (problems.Count == before)
                {
                    receipts++;
                    entries += receipt.Entries.Count;
                }
            }
        }
        if (problems.Count > 0) return problems.Report(output, $"the receipts against {newerName}");

        output.WriteLine($"VALID {receipts} receipt{(receipts == 1 ? "" : "s")}, {entries} event{(entries == 1 ? "" : "s")}");
        output.WriteLine($"  log         {newer.Body.Origin}, signed by {newer.LogKey.Label}");
        output.WriteLine($"  newer       {newerName}: size {newer.Body.Size}, root {newer.Body.RootBase64}");
        output.WriteLine($"  consistent  every receipt's checkpoint is a prefix of it ({check.ProofsChecked} consistency proof{(check.ProofsChecked == 1 ? "" : "s")} checked)");
        output.WriteLine(client is null
            ? "  inclusion   not checked: the entries' formats and indexes are; give --url and --key to fetch inclusion proofs"
            : $"  inclusion   {entries} entr{(entries == 1 ? "y" : "ies")} proven at their receipts' sizes");
        output.WriteLine(newer.Cosigners.Count == 0
            ? $"  witnesses   none cosigned; the policy's quorum is {policy.Quorum.Describe()}"
            : $"  witnesses   {string.Join("; ", newer.Cosigners)}; quorum {policy.Quorum.Describe()} met");
        return 0;
    }

    /// <summary><c>FROM:TO=FILE</c>: a consistency proof between two sizes, one base64 hash per line.</summary>
    private static (long From, long To, string File) ParseProofOption(string option)
    {
        var eq = option.IndexOf('=');
        var colon = eq < 0 ? -1 : option.IndexOf(':', 0, eq);
        if (colon < 0 || !DecimalText.TryParse(option[..colon], out var from) || !DecimalText.TryParse(option[(colon + 1)..eq], out var to) || from < 1 || to <= from || eq == option.Length - 1)
            throw new UsageError($"--proof {option} is not FROM:TO=FILE with 1 ≤ FROM < TO");
        return (from, to, option[(eq + 1)..]);
    }
}

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
