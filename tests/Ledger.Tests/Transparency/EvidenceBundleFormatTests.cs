using System.IO.Compression;
using System.Text;
using Ledger.Transparency;
using Shouldly;

namespace Ledger.Tests.Transparency;

/// <summary>The <c>ledger-evidence/v1</c> writer on its own: which objects are citations, a fixed layout, the same bytes every time.</summary>
public sealed class EvidenceBundleFormatTests
{
    private static readonly Guid A = Guid.Parse("0b5e0c8e-4b7a-4c7e-9a55-0f0c1e7d2a11"), B = Guid.Parse("1c6f1d9f-5c8b-4d8f-8b66-1a1d2f8e3b22");

    [Fact]
    public void every_object_with_a_sequence_and_an_event_id_is_cited_once_in_the_order_first_met()
    {
        var report = $$"""
            {"tenure":{"evidence":[{"sequence":7,"eventId":"{{B}}","type":"x"}]},
             "findings":[{"evidence":[{"sequence":3,"eventId":"{{A}}"},{"sequence":7,"eventId":"{{B}}"}]}],
             "sequence":1, "overlap":{"eventId":"{{A}}"}, "nested":[[{"eventId":"{{A}}","sequence":3,"more":{"sequence":9,"eventId":"{{B}}"} }]] }
            """;
        EvidenceBundle.Citations(Encoding.UTF8.GetBytes(report)).ShouldBe([(7L, B), (3L, A), (9L, B)]);
    }

    [Theory]
    [InlineData("""{"sequence":"7","eventId":"0b5e0c8e-4b7a-4c7e-9a55-0f0c1e7d2a11"}""")]
    [InlineData("""{"sequence":0,"eventId":"0b5e0c8e-4b7a-4c7e-9a55-0f0c1e7d2a11"}""")]
    [InlineData("""{"sequence":1.5,"eventId":"0b5e0c8e-4b7a-4c7e-9a55-0f0c1e7d2a11"}""")]
    [InlineData("""{"a":[{"sequence":7,"eventId":"not-a-uuid"}]}""")]
    [InlineData("""{"sequence":7,"eventId":null}""")]
    public void a_citation_of_another_shape_is_an_error_not_a_silent_omission(string report) =>
        Should.Throw<FormatException>(() => EvidenceBundle.Citations(Encoding.UTF8.GetBytes(report)));

    [Fact]
    public void the_same_contents_give_the_same_bytes_in_the_fixed_layout()
    {
        var (contents, _) = Contents();
        var zip = EvidenceBundle.Write(contents);
        EvidenceBundle.Write(contents).ShouldBe(zip);
        using var archive = new ZipArchive(new MemoryStream(zip));
        archive.Entries.Select(e => e.FullName).ShouldBe(["manifest.json", "report.json", "checkpoint", "policy",
            $"events/{B}.txt", $"events/{A}.txt", $"proofs/{B}.tlog-proof", $"proofs/{A}.tlog-proof"]);
        archive.Entries.ShouldAllBe(e => e.LastWriteTime.DateTime == new DateTime(1980, 1, 1));
        using var manifest = new StreamReader(archive.GetEntry("manifest.json")!.Open());
        manifest.ReadToEnd().ShouldBe($$"""{"format":"ledger-evidence/v1","reportId":"{{A}}","reportSha256":"689761c9731bf176938024dd8b256c4e2eab4f18bb3bdd7248dab6a10fa1a182","database":"catalogue","origin":"test.localhost/catalogue","checkpointSize":2,"events":[{"sequence":9,"eventId":"{{B}}","position":1},{"sequence":3,"eventId":"{{A}}","position":2}]}""");
    }

    [Fact]
    public void a_checkpoint_of_another_log_or_too_small_for_an_event_is_refused()
    {
        var (contents, _) = Contents();
        Should.Throw<ArgumentException>(() => EvidenceBundle.Write(contents with { Origin = "elsewhere/catalogue" }));
        Should.Throw<ArgumentException>(() => EvidenceBundle.Write(contents with { Events = [.. contents.Events, contents.Events[0] with { Position = 3 }] }));
    }

    /// <summary>Two events in a log of two entries, signed by a throwaway key.</summary>
    private static (EvidenceContents Contents, Hash Root) Contents()
    {
        byte[] textA = Encoding.UTF8.GetBytes($"3|{A}|…"), textB = Encoding.UTF8.GetBytes($"9|{B}|…");
        var entries = new[] { LedgerEntry.For(1, B, textB).ToBytes(), LedgerEntry.For(2, A, textA).ToBytes() };
        var leaves = entries.Select(e => MerkleTree.LeafHash(e)).ToList();
        var root = MerkleTree.RootOf(leaves);
        using var signer = Ed25519NoteSigner.Generate("test.localhost/catalogue");
        var note = SignedNote.Sign(new Checkpoint("test.localhost/catalogue", 2, root).ToText(), signer).ToString();
        var events = new[]
        {
            new EvidenceEvent(3, A, 2, textA, entries[1], [leaves[0]]),
            new EvidenceEvent(9, B, 1, textB, entries[0], [leaves[1]]),
        };
        return (new EvidenceContents(A, Encoding.UTF8.GetBytes("""{"report":true}"""), "catalogue", "test.localhost/catalogue", note, "quorum none\n", events), root);
    }
}
