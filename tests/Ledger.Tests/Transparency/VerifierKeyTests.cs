using System.Text.Json;
using Ledger.Transparency;
using Shouldly;

namespace Ledger.Tests.Transparency;

public sealed class VerifierKeyTests
{
    private static readonly JsonElement Go = Vectors.Load("signed-note.json").GetProperty("goNote");

    [Fact]
    public void every_cut_or_changed_character_of_a_verifier_key_is_refused()
    {
        var vkey = Go.GetProperty("peterVerifierKey").GetString()!;
        VerifierKey.TryParse(vkey, out _).ShouldBeTrue();
        for (var i = 0; i <= vkey.Length; i++)
            for (var j = i + 1; j <= vkey.Length; j++)
                if (i != 0 || j != vkey.Length)
                    VerifierKey.TryParse(vkey[i..j], out _).ShouldBeFalse(vkey[i..j]);
        for (var i = 0; i < vkey.Length; i++)
        {
            var changed = vkey[..i] + (char)(vkey[i] + 1) + vkey[(i + 1)..];
            VerifierKey.TryParse(changed, out _).ShouldBeFalse(changed);
        }
        foreach (var bad in Go.GetProperty("badVerifierKeys").EnumerateArray())
            VerifierKey.TryParse(bad.GetString()!, out _).ShouldBeFalse(bad.GetString());
    }

    [Fact]
    public void a_witness_cosignature_key_parses_as_type_4_and_other_types_are_refused()
    {
        var text = Vectors.Load("signed-note.json").GetProperty("cosignatureVerifierKey").GetString()!;
        var key = VerifierKey.Parse(text);
        key.Name.ShouldBe("remora.n621.de");
        key.Type.ShouldBe(SignatureType.Cosignature);
        key.KeyId.ShouldBe(0xda77ade7u);
        key.ToString().ShouldBe(text);
        key.ToVerifier().ShouldBeOfType<CosignatureVerifier>();

        // The same key material as type 0x01 has another ID, so the witness's ID does not fit it.
        var asLogKey = VerifierKey.For(key.Name, SignatureType.Ed25519, key.PublicKey);
        asLogKey.KeyId.ShouldNotBe(key.KeyId);
        VerifierKey.TryParse(asLogKey.ToString().Replace(NoteKeys.Hex(asLogKey.KeyId), "da77ade7"), out _).ShouldBeFalse();
        // Type 0x02 (ECDSA) and the rest are not spoken here, even with a well-formed ID.
        var ecdsaId = NoteKeys.KeyId(key.Name, 0x02, key.PublicKey);
        VerifierKey.TryParse($"{key.Name}+{NoteKeys.Hex(ecdsaId)}+{Convert.ToBase64String([0x02, .. key.PublicKey])}", out _).ShouldBeFalse();
    }

    [Fact]
    public void a_generated_signer_key_round_trips_and_keeps_signing_alike()
    {
        using var signer = Ed25519NoteSigner.Generate("ledger.localhost/catalogue");
        using var again = Ed25519NoteSigner.FromSignerKey(signer.SignerKey);
        again.VerifierKey.ToString().ShouldBe(signer.VerifierKey.ToString());
        using var fromSeed = Ed25519NoteSigner.FromSeed("ledger.localhost/catalogue", signer.ExportSeed());
        SignedNote.Sign("a\n", fromSeed).ToString().ShouldBe(SignedNote.Sign("a\n", signer).ToString());
        Should.Throw<FormatException>(() => Ed25519NoteSigner.FromSignerKey(signer.SignerKey.Replace("PRIVATE+KEY+", "PRIVATE+KEY+x")));
    }
}
