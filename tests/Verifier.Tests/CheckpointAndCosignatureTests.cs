using System.Text;
using System.Text.Json;

namespace LedgerVerify.Tests;

/// <summary>tlog-checkpoint bodies and Ed25519 cosignature/v1, against the C2SP examples and keys made by the test.</summary>
public sealed class CheckpointAndCosignatureTests
{
    private static readonly JsonElement V = Vectors.Load("signed-note.json");

    [Fact]
    public void the_c2sp_checkpoint_example_parses()
    {
        var note = SignedNote.Parse(V.GetProperty("checkpointExample").GetString()!);
        var c = Checkpoint.Parse(note.Text);
        c.Origin.ShouldBe("example.com/behind-the-sofa");
        c.Size.ShouldBe(20852163);
        c.RootBase64.ShouldBe("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=");
        c.Database.ShouldBe("behind-the-sofa");
        note.Signatures.Single().Name.ShouldBe("example.com/behind-the-sofa");
    }

    [Theory]
    [InlineData("example.com/log\n1\n")]
    [InlineData("example.com/log\n01\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")]
    [InlineData("example.com/log\n+1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")]
    [InlineData("example.com/log\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n")]
    [InlineData("example.com/log\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")]
    [InlineData("example.com/log\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n")]
    [InlineData("\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")]
    [InlineData("example.com/log\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\next\n")]
    [InlineData("example.com/log\n18446744073709551616\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")]
    [InlineData("example.com/log\n1\nAAAA\n")]
    public void malformed_checkpoint_bodies_are_refused(string body) => Should.Throw<FormatException>(() => Checkpoint.Parse(body));

    [Fact]
    public void extension_lines_are_kept()
    {
        Checkpoint.Parse("example.com/log\n0\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\next one\n").Extensions.ShouldBe(["ext one"]);
    }

    [Fact]
    public void the_cosigned_message_is_the_specs_example_byte_for_byte()
    {
        var body = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
        Encoding.UTF8.GetString(Cosignature.Message(1679315147, Encoding.UTF8.GetBytes(body)))
            .ShouldBe("cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n");
    }

    [Fact]
    public void a_cosignature_written_by_hand_from_the_spec_verifies_and_fails_when_anything_changes()
    {
        using var witness = new TestKey("witness.example.com/w1", 0x04);
        var key = VerifierKey.Parse(witness.VerifierKey);
        key.Type.ShouldBe(VerifierKey.CosignatureType);
        var body = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
        var line = NoteSignature.Parse(witness.CosignatureLine(body, 1679315147).TrimEnd('\n'));
        line.KeyId.ShouldBe(key.KeyId);
        Cosignature.TryTime(line.Signature, out var time).ShouldBeTrue();
        time.ShouldBe(1679315147);
        key.Verify(Encoding.UTF8.GetBytes(body), line.Signature).ShouldBeTrue();
        key.Verify(Encoding.UTF8.GetBytes(body.Replace("20852163", "20852164")), line.Signature).ShouldBeFalse();
        var later = line.Signature.ToArray();
        later[7] ^= 1;
        key.Verify(Encoding.UTF8.GetBytes(body), later).ShouldBeFalse();
        key.Verify(Encoding.UTF8.GetBytes(body), line.Signature[..71]).ShouldBeFalse();
    }

    [Fact]
    public void a_cosignature_made_by_the_witness_code_verifies_with_an_independent_check()
    {
        using var signer = Ed25519.Signer.Generate();
        var body = Encoding.UTF8.GetBytes("ledger.test/catalogue\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n");
        var payload = Cosignature.Sign(signer, body, 1_765_432_100);
        var message = Encoding.UTF8.GetBytes("cosignature/v1\ntime 1765432100\n").Concat(body).ToArray();
        NSec.Cryptography.SignatureAlgorithm.Ed25519.Verify(
            NSec.Cryptography.PublicKey.Import(NSec.Cryptography.SignatureAlgorithm.Ed25519, signer.PublicKey, NSec.Cryptography.KeyBlobFormat.RawPublicKey),
            message, payload[8..]).ShouldBeTrue();
        System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(payload).ShouldBe(1_765_432_100UL);
    }

    [Fact]
    public void a_timestamp_of_2_to_the_63_or_more_is_refused()
    {
        var payload = new byte[72];
        payload[0] = 0x80;
        Cosignature.TryTime(payload, out _).ShouldBeFalse();
    }

    [Fact]
    public void a_real_witness_cosignature_key_parses_as_type_4()
    {
        var key = VerifierKey.Parse(V.GetProperty("cosignatureVerifierKey").GetString()!);
        key.Name.ShouldBe("remora.n621.de");
        key.Type.ShouldBe(VerifierKey.CosignatureType);
    }
}
