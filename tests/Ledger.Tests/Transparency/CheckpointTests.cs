using System.Buffers.Binary;
using Ledger.Transparency;
using NodaTime;
using Shouldly;

namespace Ledger.Tests.Transparency;

public sealed class CheckpointTests
{
    private static readonly Hash Root = Hash.ParseBase64("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=");
    private static readonly Instant Now = Instant.FromUnixTimeSeconds(1_679_315_147);

    [Fact]
    public void the_c2sp_example_checkpoint_parses_into_origin_size_and_root()
    {
        var note = SignedNote.Parse(Vectors.Load("signed-note.json").GetProperty("checkpointExample").GetString()!);
        var checkpoint = Checkpoint.Parse(note.Text);
        checkpoint.Origin.ShouldBe("example.com/behind-the-sofa");
        checkpoint.Size.ShouldBe(20_852_163);
        checkpoint.Root.ShouldBe(Root);
        checkpoint.Extensions.ShouldBeEmpty();
        checkpoint.ToText().ShouldBe(note.Text);
        note.Signatures.Single().Name.ShouldBe("example.com/behind-the-sofa");
    }

    [Fact]
    public void a_checkpoint_with_extension_lines_round_trips()
    {
        var checkpoint = new Checkpoint("ledger.localhost/catalogue", 0, MerkleTree.EmptyRoot, ["ext one", "ext two"]);
        var text = checkpoint.ToText();
        text.ShouldBe("ledger.localhost/catalogue\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\next one\next two\n");
        var parsed = Checkpoint.Parse(text);
        (parsed.Origin, parsed.Size, parsed.Root).ShouldBe((checkpoint.Origin, 0L, MerkleTree.EmptyRoot));
        parsed.Extensions.ShouldBe(["ext one", "ext two"]);
    }

    [Theory]
    [InlineData("o\n020852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")] // leading zero
    [InlineData("o\n00\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")]
    [InlineData("o\n+1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")]
    [InlineData("o\n-1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")]
    [InlineData("o\n1 \nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")]
    [InlineData("o\n0x10\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")]
    [InlineData("o\n9223372036854775808\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")] // past a long
    [InlineData("\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")] // empty origin
    [InlineData("o\n1\n")] // two lines
    [InlineData("o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")] // no final newline
    [InlineData("o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n")] // empty extension line
    [InlineData("o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\nx\n")]
    [InlineData("o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2=\n")] // a character short
    [InlineData("o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n")] // stray bits
    [InlineData("o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n")] // unpadded
    [InlineData("o\r\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")]
    public void malformed_checkpoint_bodies_are_refused(string text) => Checkpoint.TryParse(text, out _).ShouldBeFalse();

    [Fact]
    public void a_log_signed_checkpoint_verifies_with_the_published_verifier_key()
    {
        using var log = Ed25519NoteSigner.Generate("ledger.localhost/catalogue");
        var body = new Checkpoint(log.Name, 5, Root).ToText();
        var note = SignedNote.Sign(body, log);
        var published = VerifierKey.Parse(log.VerifierKey.ToString());
        SignedNote.Parse(note.ToString()).Verify([published.ToVerifier()]).IsValid.ShouldBeTrue();
        SignedNote.Parse(note.ToString().Replace("\n5\n", "\n6\n")).Verify([published.ToVerifier()]).IsValid.ShouldBeFalse();
    }

    [Fact]
    public void a_cosignature_signs_the_v1_header_the_time_and_the_checkpoint()
    {
        using var log = Ed25519NoteSigner.Generate("ledger.localhost/catalogue");
        using var witness = CosignatureSigner.Generate("audit.example/witness");
        var body = new Checkpoint(log.Name, 20_852_163, Root).ToText();
        var cosignature = witness.Cosign(body, Now);

        cosignature.KeyId.ShouldBe(NoteKeys.KeyId("audit.example/witness", 0x04, witness.VerifierKey.PublicKey));
        cosignature.Signature.Length.ShouldBe(8 + 64);
        BinaryPrimitives.ReadUInt64BigEndian(cosignature.Signature).ShouldBe(1_679_315_147UL);
        Cosignature.TryTimestamp(cosignature, out var seconds).ShouldBeTrue();
        seconds.ShouldBe(1_679_315_147);
        // The 64 bytes are plain Ed25519 over exactly this message, as the spec's example spells it.
        var message = "cosignature/v1\ntime 1679315147\nledger.localhost/catalogue\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"u8.ToArray();
        Cosignature.Message(1_679_315_147, System.Text.Encoding.UTF8.GetBytes(body)).ShouldBe(message);
        new Ed25519NoteVerifier("any", witness.VerifierKey.PublicKey).Verify(message, cosignature.Signature[8..]).ShouldBeTrue();
    }

    [Fact]
    public void a_witness_answer_appended_to_the_checkpoint_verifies_and_tampering_fails()
    {
        using var log = Ed25519NoteSigner.Generate("ledger.localhost/catalogue");
        using var witness = CosignatureSigner.Generate("audit.example/witness");
        var note = SignedNote.Sign(new Checkpoint(log.Name, 7, Root).ToText(), log);
        var answer = witness.Cosign(note.Text, Now).Line;
        answer.ShouldStartWith("— audit.example/witness ");
        var cosigned = note.WithSignatures(NoteSignature.ParseLines(answer)!);
        var witnessKey = VerifierKey.Parse(witness.VerifierKey.ToString()).ToVerifier();

        var parsed = SignedNote.Parse(cosigned.ToString());
        parsed.Verify([log.VerifierKey.ToVerifier(), witnessKey]).VerifiedBy.Count.ShouldBe(2);
        parsed.Verify([witnessKey]).VerifiedBy.ShouldBe([witnessKey]);

        // Another second in the timestamp, or another size, breaks the cosignature.
        var payload = parsed.Signatures[1].Signature.ToArray();
        payload[7] ^= 1;
        var retimed = note.WithSignatures([new NoteSignature(witness.Name, witness.KeyId, payload)]);
        retimed.Verify([witnessKey]).IsValid.ShouldBeFalse();
        SignedNote.Parse(cosigned.ToString().Replace("\n7\n", "\n8\n")).Verify([witnessKey]).IsValid.ShouldBeFalse();

        // A log-type (0x01) key of the same name and key does not claim a cosignature line.
        var asLogKey = new Ed25519NoteVerifier(witness.Name, witness.VerifierKey.PublicKey);
        parsed.Verify([asLogKey]).Problem.ShouldBe("no signature by a known key");
    }

    [Fact]
    public void timestamps_outside_the_signed_range_are_refused()
    {
        using var witness = CosignatureSigner.Generate("audit.example/witness");
        var body = new Checkpoint("o", 1, Root).ToText();
        Should.Throw<ArgumentOutOfRangeException>(() => witness.Cosign(body, Instant.FromUnixTimeSeconds(0)));
        Should.Throw<ArgumentException>(() => witness.Cosign("not a checkpoint\n", Now));
        var line = witness.Cosign(body, Now);
        var payload = line.Signature.ToArray();
        payload[0] |= 0x80; // 2^63 and up
        new CosignatureVerifier(witness.Name, witness.VerifierKey.PublicKey).Verify(System.Text.Encoding.UTF8.GetBytes(body), payload).ShouldBeFalse();
        Cosignature.TryTimestamp(new NoteSignature(witness.Name, witness.KeyId, payload), out _).ShouldBeFalse();
    }

    [Fact]
    public void a_witness_answer_is_refused_unless_every_line_is_a_signature_line()
    {
        using var witness = CosignatureSigner.Generate("w.example");
        var line = witness.Cosign(new Checkpoint("o", 1, Root).ToText(), Now).Line;
        NoteSignature.ParseLines(line + line)!.Count.ShouldBe(2);
        NoteSignature.ParseLines(line.TrimEnd('\n')).ShouldBeNull();
        NoteSignature.ParseLines(line + "\n").ShouldBeNull();
        NoteSignature.ParseLines("").ShouldBeNull();
        NoteSignature.ParseLines("200 OK\n").ShouldBeNull();
    }
}
