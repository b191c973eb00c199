using Ledger.Transparency;
using Shouldly;

namespace Ledger.Tests.Transparency;

public sealed class TlogProofTests : IDisposable
{
    private readonly Ed25519NoteSigner _log = Ed25519NoteSigner.Generate("ledger.localhost/catalogue");
    private readonly List<LedgerEntry> _entries;
    private readonly HashList _storage;
    private readonly SignedNote _checkpoint;

    public TlogProofTests()
    {
        _entries = Enumerable.Range(1, 21).Select(s => LedgerEntry.For(s, Guid.NewGuid(), System.Text.Encoding.UTF8.GetBytes($"event {s}"))).ToList();
        _storage = StoredTree.Grow(_entries.Select(e => e.LeafHash).ToList());
        _checkpoint = SignedNote.Sign(new Checkpoint(_log.Name, 21, StoredHashes.Root(21, _storage)).ToText(), _log);
    }

    public void Dispose() => _log.Dispose();

    [Fact]
    public void a_proof_is_written_line_by_line_as_the_spec_orders_them()
    {
        var entry = _entries[12];
        var hashes = InclusionProof.Build(entry.Index, 21, _storage);
        var proof = new TlogProof(entry.ToBytes(), entry.Index, hashes, _checkpoint);
        var expected = "c2sp.org/tlog-proof@v1\n"
            + "extra " + Convert.ToBase64String(entry.ToBytes()) + "\n"
            + "index 12\n"
            + string.Concat(hashes.Select(h => h.ToBase64() + "\n"))
            + "\n"
            + _checkpoint;
        proof.ToString().ShouldBe(expected);
        hashes.Count.ShouldBe(5);
    }

    [Fact]
    public void a_proof_round_trips_and_proves_its_entry_under_the_signed_root()
    {
        for (var i = 0; i < 21; i++)
        {
            var entry = _entries[i];
            var text = new TlogProof(entry.ToBytes(), entry.Index, InclusionProof.Build(entry.Index, 21, _storage), _checkpoint).ToString();
            var parsed = TlogProof.Parse(text);
            parsed.ToString().ShouldBe(text);
            parsed.Index.ShouldBe(i);
            parsed.Extra.ShouldBe(entry.ToBytes());
            parsed.Checkpoint.Verify([_log.VerifierKey.ToVerifier()]).IsValid.ShouldBeTrue();
            LedgerEntry.TryParse(parsed.Extra, out var carried).ShouldBeTrue();
            parsed.Includes(carried.LeafHash).ShouldBeTrue();
            parsed.Includes(_entries[(i + 1) % 21].LeafHash).ShouldBeFalse();
        }
    }

    [Fact]
    public void without_extra_data_the_line_is_left_out()
    {
        var single = SignedNote.Sign(new Checkpoint(_log.Name, 1, _entries[0].LeafHash).ToText(), _log);
        var proof = new TlogProof([], 0, [], single);
        proof.ToString().ShouldBe("c2sp.org/tlog-proof@v1\nindex 0\n\n" + single);
        var parsed = TlogProof.Parse(proof.ToString());
        parsed.Extra.ShouldBeNull();
        parsed.Proof.ShouldBeEmpty();
        parsed.Includes(_entries[0].LeafHash).ShouldBeTrue();
    }

    public static TheoryData<string> Malformed()
    {
        const string hash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n";
        return
        [
            "c2sp.org/tlog-proof@v2\nindex 0\n\n{cp}",
            "c2sp.org/tlog-proof@v1\n\n{cp}", // no index
            "c2sp.org/tlog-proof@v1\nindex 0\nextra AA==\n\n{cp}", // extra after index
            "c2sp.org/tlog-proof@v1\nextra \nindex 0\n\n{cp}", // empty extra
            "c2sp.org/tlog-proof@v1\nextra A A=\nindex 0\n\n{cp}",
            "c2sp.org/tlog-proof@v1\nindex 00\n\n{cp}",
            "c2sp.org/tlog-proof@v1\nindex -1\n\n{cp}",
            "c2sp.org/tlog-proof@v1\nindex  1\n\n{cp}",
            "c2sp.org/tlog-proof@v1\nindex 1\nindex 1\n\n{cp}",
            "c2sp.org/tlog-proof@v1\nindex 1\nAAAA\n\n{cp}", // a proof line that is not a hash
            "c2sp.org/tlog-proof@v1\nindex 1\n" + string.Concat(Enumerable.Repeat(hash, 64)) + "\n{cp}",
            "c2sp.org/tlog-proof@v1\nindex 1\n" + hash + "{cp}", // no blank line
            "c2sp.org/tlog-proof@v1\nindex 1\n\nnot a note\n",
            "c2sp.org/tlog-proof@v1\nindex 1\n\n{notcp}",
            "\nc2sp.org/tlog-proof@v1\nindex 1\n\n{cp}",
        ];
    }

    [Theory]
    [MemberData(nameof(Malformed))]
    public void malformed_proofs_are_refused(string template)
    {
        var notCheckpoint = SignedNote.Sign("just a note\n", _log).ToString();
        var text = template.Replace("{cp}", _checkpoint.ToString()).Replace("{notcp}", notCheckpoint);
        TlogProof.TryParse(text, out _, out var problem).ShouldBeFalse();
        problem.ShouldNotBeEmpty();
    }

    [Fact]
    public void sixty_three_proof_lines_are_accepted_and_no_more_can_be_built()
    {
        var hashes = Enumerable.Repeat(MerkleTree.EmptyRoot, 63).ToList();
        TlogProof.Parse(new TlogProof([], 0, hashes, _checkpoint).ToString()).Proof.Count.ShouldBe(63);
        Should.Throw<ArgumentException>(() => new TlogProof([], 0, [.. hashes, MerkleTree.EmptyRoot], _checkpoint));
        Should.Throw<ArgumentException>(() => new TlogProof([], 0, [], SignedNote.Sign("just a note\n", _log)));
    }
}
