using System.Security.Cryptography;
using System.Text;
using NodaTime;
using NodaTime.Text;

namespace Ledger.Chain;

/// <summary>A signed statement "the chain had this hash at this position", to be kept outside the database.</summary>
public sealed record Checkpoint(long Position, byte[] Hash, Instant SignedAt, byte[] Signature)
{
    public string Message => CheckpointSigner.MessageOf(Position, Hash, SignedAt);
}

/// <summary>
/// Signs and checks checkpoints with ECDSA P-256 over SHA-256, DER-encoded so openssl can check
/// them (docs/investigations.md). The private key comes from
/// configuration, never from the database, so whoever can rewrite the database cannot forge them.
/// </summary>
public sealed class CheckpointSigner(ECDsa key)
{
    public static CheckpointSigner FromPem(string pem)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(pem);
        return new CheckpointSigner(key);
    }

    public static CheckpointSigner Generate() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    public string PrivateKeyPem() => key.ExportPkcs8PrivateKeyPem();

    public string PublicKeyPem() => key.ExportSubjectPublicKeyInfoPem();

    public Checkpoint Sign(long position, byte[] hash, Instant signedAt) =>
        new(position, hash, signedAt, key.SignData(Encoding.UTF8.GetBytes(MessageOf(position, hash, signedAt)), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));

    /// <summary>A signature over any text (the national checkpoint's message), as for checkpoints.</summary>
    public byte[] SignText(string message) =>
        key.SignData(Encoding.UTF8.GetBytes(message), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    public bool VerifiesText(string message, byte[] signature) =>
        key.VerifyData(Encoding.UTF8.GetBytes(message), signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    public bool IsAuthentic(Checkpoint c) =>
        key.VerifyData(Encoding.UTF8.GetBytes(c.Message), c.Signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    /// <summary>What is signed; documented in docs/investigations.md so anyone can check a checkpoint with openssl.</summary>
    public static string MessageOf(long position, byte[] hash, Instant signedAt) =>
        $"ledger-checkpoint|v1|{position}|{Convert.ToHexStringLower(hash)}|{InstantPattern.ExtendedIso.Format(signedAt)}";
}
