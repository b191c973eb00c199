using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ledger.Transparency;
using Shouldly;

namespace Ledger.Tests.Transparency;

/// <summary>A ledger-evidence/v1 bundle, opened and checked.</summary>
public sealed record CheckedBundle(OrderedDictionary<string, byte[]> Files, JsonElement Manifest, IReadOnlyList<(long Sequence, string EventId, long Position)> Events,
    Ledger.Transparency.Checkpoint Tree);

public static class Bundles
{
    /// <summary>
    /// Checks a bundle as <c>ledger-verify evidence</c> does, with the server's own formats: the exact
    /// layout, the manifest's report hash and events (exactly the report's citations), the checkpoint
    /// signed by <paramref name="log"/>, every event's text into its entry and every proof to the root.
    /// </summary>
    public static CheckedBundle Check(byte[] zip, INoteVerifier log)
    {
        var files = Unzip(zip);
        var manifest = JsonDocument.Parse(files["manifest.json"]).RootElement;
        manifest.EnumerateObject().Select(p => p.Name).ShouldBe(["format", "reportId", "reportSha256", "database", "origin", "checkpointSize", "events"]);
        var events = manifest.GetProperty("events").EnumerateArray()
            .Select(e => (e.GetProperty("sequence").GetInt64(), e.GetProperty("eventId").GetString()!, e.GetProperty("position").GetInt64())).ToList();
        string[] layout = ["manifest.json", "report.json", "checkpoint", "policy", .. events.Select(e => $"events/{e.Item2}.txt"), .. events.Select(e => $"proofs/{e.Item2}.tlog-proof")];
        files.Keys.ShouldBe(layout);
        events.Select(e => e.Item3).ShouldBeInOrder();
        manifest.GetProperty("format").GetString().ShouldBe("ledger-evidence/v1");
        manifest.GetProperty("reportSha256").GetString().ShouldBe(Convert.ToHexStringLower(SHA256.HashData(files["report.json"])));
        var report = JsonDocument.Parse(files["report.json"]).RootElement;
        var cited = new HashSet<(long, string)>();
        Cite(report, cited);
        events.Select(e => (e.Item1, e.Item2)).ToHashSet().SetEquals(cited).ShouldBeTrue();

        var checkpointText = Encoding.UTF8.GetString(files["checkpoint"]);
        var note = SignedNote.Parse(checkpointText);
        note.Verify([log]).IsValid.ShouldBeTrue();
        var tree = Ledger.Transparency.Checkpoint.Parse(note.Text);
        (manifest.GetProperty("origin").GetString(), manifest.GetProperty("checkpointSize").GetInt64()).ShouldBe((tree.Origin, tree.Size));
        tree.Size.ShouldBeGreaterThanOrEqualTo(report.GetProperty("highWater").GetInt64());
        foreach (var (sequence, eventId, position) in events)
        {
            var text = files[$"events/{eventId}.txt"];
            Encoding.UTF8.GetString(text).ShouldStartWith($"{sequence}|{eventId}|");
            var proofText = Encoding.UTF8.GetString(files[$"proofs/{eventId}.tlog-proof"]);
            proofText.ShouldEndWith("\n\n" + checkpointText);
            var proof = TlogProof.Parse(proofText);
            proof.Index.ShouldBe(position - 1);
            proof.Extra.ShouldBe(LedgerEntry.For(position, Guid.Parse(eventId), text).ToBytes());
            (proof.Tree.Origin, proof.Tree.Size, proof.Tree.Root).ShouldBe((tree.Origin, tree.Size, tree.Root));
            proof.Includes(MerkleTree.LeafHash(proof.Extra)).ShouldBeTrue($"event {eventId} at {position}");
        }
        return new CheckedBundle(files, manifest, events, tree);
    }

    /// <summary>The zip's entries in their order, each read whole.</summary>
    public static OrderedDictionary<string, byte[]> Unzip(byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        var files = new OrderedDictionary<string, byte[]>();
        foreach (var entry in archive.Entries)
        {
            using var stream = entry.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            files.Add(entry.FullName, copy.ToArray());
        }
        return files;
    }

    /// <summary>The bundle's rule, written again here: every object with a sequence and an eventId cites that event.</summary>
    private static void Cite(JsonElement element, HashSet<(long, string)> cited)
    {
        if (element.ValueKind == JsonValueKind.Array)
            foreach (var item in element.EnumerateArray()) Cite(item, cited);
        if (element.ValueKind != JsonValueKind.Object) return;
        if (element.TryGetProperty("sequence", out var sequence) && element.TryGetProperty("eventId", out var eventId))
            cited.Add((sequence.GetInt64(), eventId.GetString()!));
        foreach (var p in element.EnumerateObject()) Cite(p.Value, cited);
    }
}
