using System.Security.Cryptography;
using System.Text;

namespace LedgerVerify;

/// <summary>
/// <c>evidence BUNDLE.zip --policy POLICY</c>: checks a ledger-evidence/v1 bundle offline, against the
/// policy the reader trusts (never the bundle's own <c>policy</c> file, which is informative only).
/// </summary>
internal static class EvidenceCommand
{
    public static int Run(string[] args, TextWriter output)
    {
        var a = Args.Parse(args, single: ["policy"], repeatable: [], many: []);
        if (a.Plain.Count != 1) throw new UsageError("evidence takes exactly one BUNDLE.zip");
        var policy = Files.ReadPolicy(a.Required("policy"));
        var path = a.Plain[0];
        if (!File.Exists(path)) throw new UsageError($"bundle {path} does not exist");

        var problems = new Problems();
        var bundle = Bundle.Read(path);
        var manifest = Manifest.Parse(bundle.Manifest);
        SignedNote note;
        try
        {
            note = SignedNote.Parse(bundle.Checkpoint);
        }
        catch (FormatException e)
        {
            throw new Invalid("checkpoint", $"not a signed note: {e.Message}");
        }
        var trusted = Trust.Cosigned(note, policy, "checkpoint");
        var checkpoint = trusted.Body;

        if (manifest.Origin != checkpoint.Origin) problems.Add("manifest.json", $"origin '{manifest.Origin}' is not the checkpoint's '{checkpoint.Origin}'");
        if (manifest.Database != checkpoint.Database) problems.Add("manifest.json", $"database '{manifest.Database}' is not the checkpoint origin's last part '{checkpoint.Database}'");
        if (manifest.CheckpointSize != checkpoint.Size) problems.Add("manifest.json", $"checkpointSize {manifest.CheckpointSize} is not the checkpoint's size {checkpoint.Size}");

        var reportSha = Convert.ToHexStringLower(SHA256.HashData(bundle.Report));
        if (reportSha != manifest.ReportSha256) problems.Add("report.json", $"its SHA-256 is {reportSha}, not the manifest's reportSha256 {manifest.ReportSha256}");

        var listed = manifest.Events.Select(e => e.EventId).ToHashSet(StringComparer.Ordinal);
        foreach (var id in bundle.Events.Keys.Where(id => !listed.Contains(id)).Order(StringComparer.Ordinal)) problems.Add($"events/{id}.txt", "is not an event of manifest.json");
        foreach (var id in bundle.Proofs.Keys.Where(id => !listed.Contains(id)).Order(StringComparer.Ordinal)) problems.Add($"proofs/{id}.tlog-proof", "is not an event of manifest.json");

        var verified = 0;
        foreach (var ev in manifest.Events.OrderBy(e => e.Position))
        {
            var hasText = bundle.Events.TryGetValue(ev.EventId, out var text);
            var hasProof = bundle.Proofs.TryGetValue(ev.EventId, out var proof);
            if (!hasText) problems.Add($"events/{ev.EventId}.txt", "is missing: manifest.json lists the event");
            if (!hasProof) problems.Add($"proofs/{ev.EventId}.tlog-proof", "is missing: manifest.json lists the event");
            if (!hasText || !hasProof) continue;
            var before = problems.Count;
            problems.Check(() => EventCheck.Verify(ev, text!, proof!, trusted));
            if (problems.Count == before) verified++;
        }

        var citations = 0;
        problems.Check(() => citations = CheckCitations(bundle.Report, manifest, problems));

        if (problems.Count > 0) return problems.Report(output, path);

        output.WriteLine($"VALID evidence bundle {Path.GetFileName(path)}");
        output.WriteLine($"  report      {manifest.ReportId}, SHA-256 {reportSha}");
        output.WriteLine($"  log         {checkpoint.Origin} (database {checkpoint.Database}), signed by {trusted.LogKey.Label}");
        output.WriteLine($"  checkpoint  size {checkpoint.Size}, root {checkpoint.RootBase64}");
        output.WriteLine($"  events      {verified} verified: canonical text -> entry -> inclusion proof -> checkpoint root");
        output.WriteLine($"  citations   {citations} in report.json, each an event of the bundle");
        output.WriteLine(trusted.Cosigners.Count == 0
            ? $"  witnesses   none cosigned; the policy's quorum is {policy.Quorum.Describe()}"
            : $"  witnesses   {string.Join("; ", trusted.Cosigners)}; quorum {policy.Quorum.Describe()} met");
        return 0;
    }

    /// <summary>Every citation in the report is an event of the bundle, with the same sequence; the report is the manifest's.</summary>
    private static int CheckCitations(byte[] report, Manifest manifest, Problems problems)
    {
        var (reportId, citations) = ReportCitations.Read(report);
        if (reportId is not null && !(Guid.TryParse(reportId, out var id) && id == Guid.Parse(manifest.ReportId)))
            problems.Add("report.json $.reportId", $"'{Checkpoint.Clip(reportId)}' is not the manifest's reportId {manifest.ReportId}");
        var byId = manifest.Events.ToDictionary(e => e.EventId, StringComparer.Ordinal);
        foreach (var c in citations)
        {
            if (!byId.TryGetValue(c.EventId, out var ev))
                problems.Add($"report.json {c.Path}", $"cites event {c.EventId} (sequence {c.Sequence}), which is not in the bundle");
            else if (ev.Sequence != c.Sequence)
                problems.Add($"report.json {c.Path}", $"cites event {c.EventId} with sequence {c.Sequence}; the bundle holds it with sequence {ev.Sequence}");
        }
        return citations.Count;
    }
}
