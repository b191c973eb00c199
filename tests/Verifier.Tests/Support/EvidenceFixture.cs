using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace LedgerVerify.Tests;

/// <summary>
/// An evidence bundle built by the test from nothing: a log of 12 events signed by its own Ed25519
/// key, a checkpoint cosigned by witness w1 (w2 exists but did not cosign), a report citing the
/// events at positions 3, 5 and 8, their canonical texts and tlog proofs, the manifest and a zip.
/// Tests change <see cref="Files"/> (or the report) to tamper before writing the zip.
/// </summary>
public sealed class EvidenceFixture : IDisposable
{
    public const int Size = 12;

    public EvidenceFixture()
    {
        Log = new TestLog(Size);
        W1 = new TestKey("audit.test/w1", 0x04);
        W2 = new TestKey("audit.test/w2", 0x04);
        Checkpoint = Log.Checkpoint(Size, W1);
        Cited = [Log.Events[2], Log.Events[4], Log.Events[7]];
        Files["checkpoint"] = Encoding.UTF8.GetBytes(Checkpoint);
        // The bundle's own policy asks nothing: the verifier must use the reader's, not this one.
        Files["policy"] = Encoding.UTF8.GetBytes($"log {Log.Key.VerifierKey}\nquorum none\n");
        foreach (var e in Cited)
        {
            Files[$"events/{e.EventId}.txt"] = e.Text;
            Files[$"proofs/{e.EventId}.tlog-proof"] = Encoding.UTF8.GetBytes(Log.TlogProof(e, Size, Checkpoint));
        }
        SetReport(ReportJson(Cited));
    }

    public TestLog Log { get; }

    public TestKey W1 { get; }

    public TestKey W2 { get; }

    public string Checkpoint { get; }

    public List<TestEvent> Cited { get; }

    public string ReportId { get; } = "5f0c7a52-3b1e-4d8e-9a41-0c6f2b7d9e10";

    public SortedDictionary<string, byte[]> Files { get; } = new(StringComparer.Ordinal);

    /// <summary>The reader's policy: this log, both witnesses, and the quorum given.</summary>
    public string Policy(string quorum = "w1", string groups = "") =>
        $"# the reader's own policy\nlog {Log.Key.VerifierKey}\n\twitness w1 {W1.VerifierKey}\nwitness w2 {W2.VerifierKey} https://w2.audit.test\n{groups}quorum {quorum}\n";

    public string ReportJson(IEnumerable<TestEvent> cited, string? extraCitation = null)
    {
        var refs = cited.Select(e => new { sequence = e.Sequence, eventId = e.EventId, type = "farmland.registered" }).ToList();
        var report = new
        {
            reportId = ReportId,
            highWater = Size,
            tenure = new { official = "张三", events = refs.Take(1) },
            findings = new object[]
            {
                new { code = "farmland-loss", evidence = refs.Skip(1) },
                new { code = "note", text = "no citation here", nested = new[] { new { sequence = 7 } } },
            },
            extra = extraCitation is null ? (JsonElement?)null : JsonDocument.Parse(extraCitation).RootElement,
        };
        return JsonSerializer.Serialize(report);
    }

    /// <summary>Sets report.json and the manifest that matches it (its SHA-256, the cited events).</summary>
    public void SetReport(string json, IEnumerable<TestEvent>? events = null)
    {
        Files["report.json"] = Encoding.UTF8.GetBytes(json);
        Files["manifest.json"] = Encoding.UTF8.GetBytes(Manifest(Files["report.json"], events ?? Cited));
    }

    public string Manifest(byte[] report, IEnumerable<TestEvent> events) => JsonSerializer.Serialize(new
    {
        format = "ledger-evidence/v1",
        reportId = ReportId,
        reportSha256 = Convert.ToHexStringLower(SHA256.HashData(report)),
        database = "shard-41",
        origin = Log.Origin,
        checkpointSize = Size,
        events = events.Select(e => new { sequence = e.Sequence, eventId = e.EventId, position = e.Position }),
    });

    /// <summary>Writes the zip of <see cref="Files"/> (and any raw extra entries, for hostile names) and returns its path.</summary>
    public static string Zip(string path, IEnumerable<KeyValuePair<string, byte[]>> files)
    {
        using var stream = File.Create(path);
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create);
        foreach (var (name, bytes) in files)
        {
            using var entry = zip.CreateEntry(name, CompressionLevel.Optimal).Open();
            entry.Write(bytes);
        }
        return path;
    }

    public string Zip(string path) => Zip(path, Files);

    public static byte[] Flip(byte[] bytes, int at)
    {
        var copy = bytes.ToArray();
        copy[at] ^= 0x01;
        return copy;
    }

    public void Dispose()
    {
        Log.Dispose();
        W1.Dispose();
        W2.Dispose();
    }
}
