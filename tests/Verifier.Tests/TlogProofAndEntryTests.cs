using System.Text;

namespace LedgerVerify.Tests;

/// <summary>tlog-proof@v1 texts and ledger-event/v1 entries: the layout the server writes, and what is refused.</summary>
public sealed class TlogProofAndEntryTests : IDisposable
{
    private readonly TestLog _log = new(6);

    [Fact]
    public void a_proof_the_test_writes_parses_and_proves_its_entry()
    {
        var checkpoint = _log.Checkpoint(6);
        var e = _log.Events[4];
        var proof = TlogProof.Parse(Encoding.UTF8.GetBytes(_log.TlogProof(e, 6, checkpoint)));
        proof.Index.ShouldBe(4);
        proof.Extra.ShouldBe(e.Entry);
        proof.Note.ToString().ShouldBe(checkpoint);
        proof.Checkpoint.Size.ShouldBe(6);
        Merkle.VerifyInclusion(proof.Index, 6, Merkle.LeafHash(proof.Extra!), proof.Hashes, proof.Checkpoint.Root).ShouldBeTrue();
    }

    [Fact]
    public void a_proof_without_extra_or_hashes_parses()
    {
        var checkpoint = _log.Checkpoint(1);
        var proof = TlogProof.Parse(Encoding.UTF8.GetBytes($"c2sp.org/tlog-proof@v1\nindex 0\n\n{checkpoint}"));
        proof.Extra.ShouldBeNull();
        proof.Hashes.ShouldBeEmpty();
    }

    public static TheoryData<string, string> MalformedProofs() => new()
    {
        { "c2sp.org/tlog-proof@v2\nindex 0\n\n", "line 1" },
        { "c2sp.org/tlog-proof@v1\nextra \nindex 0\n\n", "line 2: the extra data" },
        { "c2sp.org/tlog-proof@v1\nextra AAA\nindex 0\n\n", "line 2: the extra data" },
        { "c2sp.org/tlog-proof@v1\nindex 00\n\n", "line 2 is not 'index N'" },
        { "c2sp.org/tlog-proof@v1\nindex -1\n\n", "line 2 is not 'index N'" },
        { "c2sp.org/tlog-proof@v1\nextra AA==\n\n", "line 3 is not 'index N'" },
        { "c2sp.org/tlog-proof@v1\nindex 1\nindex 2\n\n", "line 3 is not the base64" },
        { "c2sp.org/tlog-proof@v1\nindex 1\n" + new string('A', 43) + "=\n", "an empty line" },
        { "c2sp.org/tlog-proof@v1\nindex 1\nAAAA\n\n", "line 3 is not the base64 of a 32-byte hash" },
        { "c2sp.org/tlog-proof@v1\nindex 1\n" + string.Concat(Enumerable.Repeat("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n", 64)) + "\n", "at most 63" },
        { "c2sp.org/tlog-proof@v1\nindex 1\n\nnot a note\n", "the checkpoint from line 4" },
    };

    [Theory]
    [MemberData(nameof(MalformedProofs))]
    public void malformed_proofs_are_refused_naming_the_line(string head, string saying)
    {
        var text = head.EndsWith("\n\n", StringComparison.Ordinal) ? head + _log.Checkpoint(6) : head;
        Should.Throw<FormatException>(() => TlogProof.Parse(Encoding.UTF8.GetBytes(text))).Message.ShouldContain(saying);
    }

    [Fact]
    public void a_proof_whose_note_is_not_a_checkpoint_is_refused()
    {
        var text = "c2sp.org/tlog-proof@v1\nindex 0\n\nhello\n\n" + _log.Key.NoteSignatureLine("hello\n");
        Should.Throw<FormatException>(() => TlogProof.Parse(Encoding.UTF8.GetBytes(text))).Message.ShouldContain("three lines");
    }

    [Fact]
    public void an_entry_the_ledger_writes_parses()
    {
        var e = _log.Events[0];
        var entry = LedgerEntry.Parse(e.Entry);
        entry.Position.ShouldBe(1);
        entry.Index.ShouldBe(0);
        entry.EventId.ShouldBe(e.EventId);
        entry.ToBytes().ShouldBe(e.Entry);
    }

    [Theory]
    [InlineData("ledger-event/v2\n1\n0d6f1e3a-7a5e-4b7e-8f0a-2a8f2d1c9b01\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n")]
    [InlineData("ledger-event/v1\n0\n0d6f1e3a-7a5e-4b7e-8f0a-2a8f2d1c9b01\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n")]
    [InlineData("ledger-event/v1\n01\n0d6f1e3a-7a5e-4b7e-8f0a-2a8f2d1c9b01\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n")]
    [InlineData("ledger-event/v1\n1\n0D6F1E3A-7A5E-4B7E-8F0A-2A8F2D1C9B01\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n")]
    [InlineData("ledger-event/v1\n1\n0d6f1e3a7a5e4b7e8f0a2a8f2d1c9b01\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n")]
    [InlineData("ledger-event/v1\n1\n0d6f1e3a-7a5e-4b7e-8f0a-2a8f2d1c9b01\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")]
    [InlineData("ledger-event/v1\n1\n0d6f1e3a-7a5e-4b7e-8f0a-2a8f2d1c9b01\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFV=\n")]
    [InlineData("ledger-event/v1\n1\n0d6f1e3a-7a5e-4b7e-8f0a-2a8f2d1c9b01\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuA==\n")]
    [InlineData("ledger-event/v1\n1\n0d6f1e3a-7a5e-4b7e-8f0a-2a8f2d1c9b01\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\nmore\n")]
    [InlineData("ledger-event/v1\r\n1\n0d6f1e3a-7a5e-4b7e-8f0a-2a8f2d1c9b01\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n")]
    // Base64 decoders skip white space; the entry's spelling must not have any.
    [InlineData("ledger-event/v1\n1\n0d6f1e3a-7a5e-4b7e-8f0a-2a8f2d1c9b01\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSu U=\n")]
    [InlineData("ledger-event/v1\n1\n0d6f1e3a-7a5e-4b7e-8f0a-2a8f2d1c9b01\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n\n")]
    [InlineData("ledger-event/v1\n\n0d6f1e3a-7a5e-4b7e-8f0a-2a8f2d1c9b01\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n")]
    [InlineData("ledger-event/v1\n99999999999999999999\n0d6f1e3a-7a5e-4b7e-8f0a-2a8f2d1c9b01\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n")]
    public void entries_in_any_other_spelling_are_refused(string entry) =>
        Should.Throw<FormatException>(() => LedgerEntry.Parse(Encoding.ASCII.GetBytes(entry)));

    public void Dispose() => _log.Dispose();
}
