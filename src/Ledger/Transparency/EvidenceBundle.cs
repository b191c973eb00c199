using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Ledger.Transparency;

/// <summary>One cited event in a bundle: its canonical text, its log entry and the entry's inclusion proof.</summary>
public sealed record EvidenceEvent(long Sequence, Guid EventId, long Position, byte[] CanonicalText, byte[] Entry, IReadOnlyList<Hash> Proof);

/// <summary>What a bundle holds; <see cref="Checkpoint"/> is the signed note every proof is against, verbatim.</summary>
public sealed record EvidenceContents(Guid ReportId, byte[] Report, string Database, string Origin, string Checkpoint, string Policy,
    IReadOnlyList<EvidenceEvent> Events);

/// <summary>
/// The <c>ledger-evidence/v1</c> zip (docs/transparency-log.md): manifest.json, report.json,
/// checkpoint, policy, then events/{eventId}.txt and proofs/{eventId}.tlog-proof in chain order.
/// The same contents always give the same bytes: fixed order, every entry dated 1980-01-01 00:00
/// (the zip format's first instant), one compression level.
/// </summary>
public static class EvidenceBundle
{
    public const string Format = "ledger-evidence/v1";

    public static readonly DateTimeOffset EntryTime = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// The events a report cites: every JSON object in it with both a <c>sequence</c> and an
    /// <c>eventId</c> member, once each, in the order first met. A citation of another shape is a
    /// <see cref="FormatException"/>: a bundle must not silently leave out what a report cites.
    /// </summary>
    public static IReadOnlyList<(long Sequence, Guid EventId)> Citations(ReadOnlySpan<byte> report)
    {
        var reader = new Utf8JsonReader(report);
        using var doc = JsonDocument.ParseValue(ref reader);
        var found = new List<(long, Guid)>();
        Visit(doc.RootElement, found, []);
        return found;
    }

    private static void Visit(JsonElement element, List<(long, Guid)> found, HashSet<(long, Guid)> seen)
    {
        if (element.ValueKind == JsonValueKind.Array)
            foreach (var item in element.EnumerateArray()) Visit(item, found, seen);
        if (element.ValueKind != JsonValueKind.Object) return;
        if (element.TryGetProperty("sequence", out var sequence) && element.TryGetProperty("eventId", out var eventId))
        {
            if (sequence.ValueKind != JsonValueKind.Number || !sequence.TryGetInt64(out var seq) || seq < 1
                || eventId.ValueKind != JsonValueKind.String || !Guid.TryParseExact(eventId.GetString(), "D", out var id))
                throw new FormatException($"a citation's sequence is a positive whole number and its eventId a UUID: {Clip(element.GetRawText())}");
            if (seen.Add((seq, id))) found.Add((seq, id));
        }
        foreach (var p in element.EnumerateObject()) Visit(p.Value, found, seen);
    }

    public static byte[] Write(EvidenceContents c)
    {
        var note = SignedNote.Parse(c.Checkpoint);
        // The proofs repeat the checkpoint as their note prints it; a verifier compares it with the file.
        if (note.ToString() != c.Checkpoint) throw new ArgumentException("the checkpoint is not in its canonical spelling", nameof(c));
        var tree = Transparency.Checkpoint.Parse(note.Text);
        if (tree.Origin != c.Origin) throw new ArgumentException($"the checkpoint is {tree.Origin}'s, not {c.Origin}'s", nameof(c));
        var events = c.Events.OrderBy(e => e.Position).ToList();
        foreach (var e in events.Where(e => e.Position < 1 || e.Position > tree.Size))
            throw new ArgumentException($"event {e.EventId} at position {e.Position} is not in a tree of {tree.Size}", nameof(c));

        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(zip, "manifest.json", Manifest(c, tree.Size, events));
            Add(zip, "report.json", c.Report);
            Add(zip, "checkpoint", Encoding.UTF8.GetBytes(c.Checkpoint));
            Add(zip, "policy", Encoding.UTF8.GetBytes(c.Policy));
            foreach (var e in events) Add(zip, $"events/{e.EventId:D}.txt", e.CanonicalText);
            foreach (var e in events)
                Add(zip, $"proofs/{e.EventId:D}.tlog-proof", Encoding.UTF8.GetBytes(new TlogProof(e.Entry, e.Position - 1, e.Proof, note).ToString()));
        }
        return buffer.ToArray();
    }

    private static byte[] Manifest(EvidenceContents c, long size, IReadOnlyList<EvidenceEvent> events)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("format", Format);
            json.WriteString("reportId", c.ReportId.ToString("D"));
            json.WriteString("reportSha256", Convert.ToHexStringLower(SHA256.HashData(c.Report)));
            json.WriteString("database", c.Database);
            json.WriteString("origin", c.Origin);
            json.WriteNumber("checkpointSize", size);
            json.WriteStartArray("events");
            foreach (var e in events)
            {
                json.WriteStartObject();
                json.WriteNumber("sequence", e.Sequence);
                json.WriteString("eventId", e.EventId.ToString("D"));
                json.WriteNumber("position", e.Position);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void Add(ZipArchive zip, string name, byte[] bytes)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        entry.LastWriteTime = EntryTime;
        using var stream = entry.Open();
        stream.Write(bytes);
    }

    private static string Clip(string text) => text.Length <= 200 ? text : text[..200] + "…";
}
