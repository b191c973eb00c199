using System.Text;
using System.Text.Json;

namespace LedgerVerify.Tests;

/// <summary>Signed notes and verifier keys against Go's sumdb/note examples and the C2SP signed-note spec.</summary>
public sealed class SignedNoteTests
{
    private static readonly JsonElement V = Vectors.Load("signed-note.json");
    private static readonly JsonElement Go = V.GetProperty("goNote");

    private static string S(JsonElement e, string name) => e.GetProperty(name).GetString()!;

    [Fact]
    public void go_example_keys_parse_with_their_key_ids()
    {
        var peter = VerifierKey.Parse(S(Go, "peterVerifierKey"));
        peter.Name.ShouldBe("PeterNeumann");
        KeyNames.Hex(peter.KeyId).ShouldBe("c74f20a3");
        peter.Type.ShouldBe(VerifierKey.LogType);
        peter.ToString().ShouldBe(S(Go, "peterVerifierKey"));
        VerifierKey.Parse(S(Go, "enochVerifierKey")).Label.ShouldBe("EnochRoot+af0cfe78");
    }

    [Fact]
    public void go_bad_keys_and_mangled_keys_are_refused()
    {
        var good = S(Go, "peterVerifierKey");
        string[] bad = [.. Go.GetProperty("badVerifierKeys").EnumerateArray().Select(k => k.GetString()!),
            good.Replace("c74f20a3", "c74f20a4"), good.Replace("PeterNeumann", "Peter Neumann"), good.Replace("PeterNeumann", ""),
            good.Replace("+c74f20a3", "+c74f20a"), good + "=", good[..^1], "PeterNeumann+c74f20a3", good.Replace("+ARpc", "+Apc")];
        foreach (var key in bad) Should.Throw<FormatException>(() => VerifierKey.Parse(key), key);
    }

    [Fact]
    public void go_example_note_verifies_with_the_known_key_and_ignores_the_unknown_one()
    {
        var note = SignedNote.Parse(S(Go, "text") + "\n" + S(Go, "peterSignature") + S(Go, "enochSignature"));
        note.Text.ShouldBe(S(Go, "text"));
        note.Signatures.Count.ShouldBe(2);
        var peter = VerifierKey.Parse(S(Go, "peterVerifierKey"));
        var (verified, problem) = note.Verify([peter]);
        problem.ShouldBeNull();
        verified.ShouldBe([peter]);
        var enoch = VerifierKey.Parse(S(Go, "enochVerifierKey"));
        note.Verify([peter, enoch]).Verified.Count.ShouldBe(2);
    }

    [Fact]
    public void signing_with_gos_example_signer_key_writes_gos_signature_line_byte_for_byte()
    {
        // PRIVATE+KEY+PeterNeumann+c74f20a3+base64(0x01 || seed): Ed25519 is deterministic.
        var seed = Convert.FromBase64String(S(Go, "peterSignerKey").Split('+', 5)[4])[1..];
        using var signer = Ed25519.Signer.FromSeed(seed);
        var peter = VerifierKey.Parse(S(Go, "peterVerifierKey"));
        signer.PublicKey.ShouldBe(peter.PublicKey);
        new NoteSignature("PeterNeumann", peter.KeyId, signer.Sign(Encoding.UTF8.GetBytes(S(Go, "text")))).Line.ShouldBe(S(Go, "peterSignature"));
    }

    [Fact]
    public void the_c2sp_verifier_key_example_verifies_its_note()
    {
        var c2sp = V.GetProperty("c2spVerifierKey");
        var key = VerifierKey.Parse(S(c2sp, "verifierKey"));
        SignedNote.Parse(S(c2sp, "note")).Verify([key]).Problem.ShouldBeNull();
    }

    [Fact]
    public void a_failing_signature_by_a_known_key_rejects_the_note_and_no_known_signature_rejects_it_too()
    {
        var peter = VerifierKey.Parse(S(Go, "peterVerifierKey"));
        var tampered = SignedNote.Parse(S(Go, "text").Replace("answer", "Answer") + "\n" + S(Go, "peterSignature"));
        tampered.Verify([peter]).Problem.ShouldBe("the signature by PeterNeumann+c74f20a3 does not verify");
        var enochOnly = SignedNote.Parse(S(Go, "text") + "\n" + S(Go, "enochSignature"));
        enochOnly.Verify([peter]).Problem!.ShouldStartWith("no signature by a known key");
    }

    [Fact]
    public void a_signature_sharing_only_the_name_or_only_the_id_of_a_known_key_is_ignored()
    {
        var peter = VerifierKey.Parse(S(Go, "peterVerifierKey"));
        var line = S(Go, "peterSignature");
        var otherName = line.Replace("PeterNeumann", "PeterNeumann2");
        var payload = Convert.FromBase64String(line.Split(' ')[2]);
        payload[0] ^= 1;
        var otherId = $"— PeterNeumann {Convert.ToBase64String(payload)}\n";
        var note = SignedNote.Parse(S(Go, "text") + "\n" + otherName + otherId + line);
        note.Verify([peter]).Problem.ShouldBeNull();
    }

    public static TheoryData<string> MalformedNotes() =>
    [
        "text\n",
        "text\n\n",
        "text\n\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
        "text\n\n- PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
        "text\n\n—  PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
        "text\n\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM\n",
        "text\n\n— PeterNeumann AAAAAA==\n",
        "text\n\n— Peter+Neumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
        "te\txt\n\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
        "text\r\n\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
        "text\n\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n\n",
    ];

    [Theory]
    [MemberData(nameof(MalformedNotes))]
    public void malformed_notes_are_refused(string note) => Should.Throw<FormatException>(() => SignedNote.Parse(note));

    [Fact]
    public void invalid_utf8_and_too_many_signatures_are_refused()
    {
        Should.Throw<FormatException>(() => SignedNote.Parse([0x74, 0xff, 0x0a, 0x0a]));
        var many = string.Concat(Enumerable.Repeat(S(Go, "peterSignature"), 101));
        Should.Throw<FormatException>(() => SignedNote.Parse(S(Go, "text") + "\n" + many)).Message.ShouldContain("at most 100");
        SignedNote.Parse(S(Go, "text") + "\n" + string.Concat(Enumerable.Repeat(S(Go, "peterSignature"), 100))).Signatures.Count.ShouldBe(100);
    }

    [Fact]
    public void a_text_with_blank_lines_is_split_at_the_last_blank_line()
    {
        var text = "a\n\nb\n";
        var note = SignedNote.Parse(text + "\n" + S(Go, "peterSignature"));
        note.Text.ShouldBe(text);
        note.ToString().ShouldBe(text + "\n" + S(Go, "peterSignature"));
    }
}
