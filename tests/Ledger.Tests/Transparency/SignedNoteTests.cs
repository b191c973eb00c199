using System.Text;
using System.Text.Json;
using Ledger.Transparency;
using Shouldly;

namespace Ledger.Tests.Transparency;

public sealed class SignedNoteTests
{
    private static readonly JsonElement Go = Vectors.Load("signed-note.json").GetProperty("goNote");
    private static readonly string Text = Go.GetProperty("text").GetString()!;
    private static readonly string PeterSig = Go.GetProperty("peterSignature").GetString()!;
    private static readonly string EnochSig = Go.GetProperty("enochSignature").GetString()!;
    private static readonly INoteVerifier Peter = VerifierKey.Parse(Go.GetProperty("peterVerifierKey").GetString()!).ToVerifier();
    private static readonly INoteVerifier Enoch = VerifierKey.Parse(Go.GetProperty("enochVerifierKey").GetString()!).ToVerifier();

    [Fact]
    public void the_go_example_note_verifies_with_its_key()
    {
        var note = SignedNote.Parse(Text + "\n" + PeterSig);
        note.Text.ShouldBe(Text);
        var result = note.Verify([Peter]);
        result.IsValid.ShouldBeTrue(result.Problem);
        result.VerifiedBy.ShouldBe([Peter]);
        Peter.KeyId.ShouldBe(0xc74f20a3u);
    }

    [Fact]
    public void signing_with_the_go_example_signer_key_writes_the_go_example_note_byte_for_byte()
    {
        using var signer = Ed25519NoteSigner.FromSignerKey(Go.GetProperty("peterSignerKey").GetString()!);
        signer.VerifierKey.ToString().ShouldBe(Go.GetProperty("peterVerifierKey").GetString());
        signer.SignerKey.ShouldBe(Go.GetProperty("peterSignerKey").GetString());
        SignedNote.Sign(Text, signer).ToString().ShouldBe(Text + "\n" + PeterSig);
    }

    [Fact]
    public void the_c2sp_verifier_key_example_verifies_its_note()
    {
        var example = Vectors.Load("signed-note.json").GetProperty("c2spVerifierKey");
        var key = VerifierKey.Parse(example.GetProperty("verifierKey").GetString()!);
        key.Type.ShouldBe(SignatureType.Ed25519);
        key.ToString().ShouldBe(example.GetProperty("verifierKey").GetString());
        var note = SignedNote.Parse(example.GetProperty("note").GetString()!);
        note.Verify([key.ToVerifier()]).IsValid.ShouldBeTrue();
    }

    [Fact]
    public void unknown_signatures_are_ignored_but_one_known_signature_must_verify()
    {
        var both = SignedNote.Parse(Text + "\n" + PeterSig + EnochSig);
        both.Verify([Peter]).VerifiedBy.ShouldBe([Peter]);
        both.Verify([Peter, Enoch]).VerifiedBy.ShouldBe([Peter, Enoch]);
        var none = both.Verify([]);
        none.IsValid.ShouldBeFalse();
        none.Problem.ShouldBe("no signature by a known key");
        // Same name, another key: not the known key, so ignored rather than failed.
        using var impostor = Ed25519NoteSigner.Generate("PeterNeumann");
        SignedNote.Sign(Text, impostor).Verify([Peter]).Problem.ShouldBe("no signature by a known key");
    }

    [Fact]
    public void a_tampered_text_or_signature_fails()
    {
        SignedNote.Parse(Text.Replace("problem", "Problem") + "\n" + PeterSig).Verify([Peter]).IsValid.ShouldBeFalse();
        var broken = SignedNote.Parse(Text + "\n" + PeterSig[..60] + "ABCD" + PeterSig[60..]);
        var result = broken.Verify([Peter]);
        result.IsValid.ShouldBeFalse();
        result.Problem.ShouldBe("the signature by PeterNeumann+c74f20a3 does not verify");
        // A bad signature by a known key sinks the note even beside a good one.
        SignedNote.Parse(Text + "\n" + PeterSig + EnochSig[..60] + "ABCD" + EnochSig[60..]).Verify([Peter, Enoch]).IsValid.ShouldBeFalse();
    }

    public static TheoryData<string> MalformedNotes() =>
    [
        Text,
        Text + "\n",
        Text + "\n" + PeterSig[..^1],
        "\x01" + Text + "\n" + PeterSig,
        Text + "\n" + "— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
        Text + "\n" + PeterSig + "Unexpected line.\n",
        Text + "\n" + PeterSig + "\n",
        Text + "\n" + PeterSig.Replace("—", "-"),
        Text + "\n" + PeterSig.Replace("—", "–"),
        Text + "\n" + PeterSig.Replace("— ", "—"),
        Text + "\n" + PeterSig.Replace("— ", "—  "),
        Text + "\n" + PeterSig.Replace("=\n", "\n"),
        Text + "\n" + PeterSig.Replace("nAM=", "nAN="), // stray bits after the last byte: a second spelling
        Text + "\n" + PeterSig.Replace("x08go/", "x08go /"),
        Text + "\n" + PeterSig.Replace("PeterNeumann", "Peter+Neumann"),
        Text + "\n" + PeterSig.Replace("PeterNeumann", "Peter\u00a0Neumann"),
        Text + "\n" + "— PeterNeumann AAAA\n", // four key-ID bytes and no signature
        Text.Replace("\n", "\r\n") + "\n" + PeterSig,
        Text + "\n" + "— PeterNeumann \n",
        Text + "\n" + PeterSig + PeterSig.TrimEnd('\n'),
    ];

    [Theory]
    [MemberData(nameof(MalformedNotes))]
    public void malformed_notes_are_refused(string note)
    {
        SignedNote.TryParse(note, out _, out var problem).ShouldBeFalse();
        problem.ShouldNotBeEmpty();
        SignedNote.TryParse(Encoding.UTF8.GetBytes(note), out _, out _).ShouldBeFalse();
    }

    [Fact]
    public void invalid_utf8_and_oversized_notes_are_refused()
    {
        var good = Encoding.UTF8.GetBytes(Text + "\n" + PeterSig);
        SignedNote.TryParse(good, out _, out _).ShouldBeTrue();
        SignedNote.TryParse([0xff, .. good], out _, out _).ShouldBeFalse();
        SignedNote.TryParse([0xc3, .. good], out _, out _).ShouldBeFalse();
        SignedNote.TryParse(Text + "\ud800\n\n" + PeterSig, out _, out _).ShouldBeFalse();
        var huge = new string('a', SignedNote.MaxBytes) + "\n\n" + PeterSig;
        SignedNote.TryParse(huge, out _, out _).ShouldBeFalse();
    }

    [Fact]
    public void at_most_100_signatures_are_read()
    {
        var hundred = SignedNote.Parse(Text + "\n" + string.Concat(Enumerable.Repeat(PeterSig, 100)));
        hundred.Signatures.Count.ShouldBe(100);
        hundred.Verify([Peter]).IsValid.ShouldBeTrue();
        SignedNote.TryParse(Text + "\n" + string.Concat(Enumerable.Repeat(PeterSig, 101)), out _, out _).ShouldBeFalse();
    }

    [Fact]
    public void two_known_keys_with_the_same_name_and_id_are_a_configuration_error()
    {
        var note = SignedNote.Parse(Text + "\n" + PeterSig);
        Should.Throw<ArgumentException>(() => note.Verify([Peter, VerifierKey.Parse(Go.GetProperty("peterVerifierKey").GetString()!).ToVerifier()]));
    }

    [Fact]
    public void the_text_is_split_from_the_signatures_at_the_last_blank_line()
    {
        using var signer = Ed25519NoteSigner.Generate("example.com/log");
        var text = "first\n\nsecond after a blank line\n";
        var note = SignedNote.Sign(text, signer);
        var parsed = SignedNote.Parse(note.ToString());
        parsed.Text.ShouldBe(text);
        parsed.Verify([signer.VerifierKey.ToVerifier()]).IsValid.ShouldBeTrue();
        Should.Throw<ArgumentException>(() => SignedNote.Sign("no final newline", signer));
        Should.Throw<ArgumentException>(() => SignedNote.Sign("tab\there\n", signer));
    }
}
