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
