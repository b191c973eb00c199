using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using NSec.Cryptography;

namespace LedgerVerify.Tests;

/// <summary>
/// Ed25519 keys for tests, signing with NSec directly and writing signed-note lines and vkeys by
/// hand from the specs, so what the verifier checks is not produced by the verifier's own code.
/// </summary>
public sealed class TestKey : IDisposable
{
    private readonly Key _key;

    public TestKey(string name, byte type, byte[]? seed = null)
    {
        Name = name;
        Type = type;
        var options = new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport };
        _key = seed is null ? Key.Create(SignatureAlgorithm.Ed25519, options) : Key.Import(SignatureAlgorithm.Ed25519, seed, KeyBlobFormat.RawPrivateKey, options);
        PublicKey = _key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        KeyId = SHA256.HashData([.. Encoding.UTF8.GetBytes(name), 0x0A, type, .. PublicKey])[..4];
    }

    public string Name { get; }

    public byte Type { get; }

    public byte[] PublicKey { get; }

    public byte[] KeyId { get; }

    /// <summary>name+hexid+base64(type || key)</summary>
    public string VerifierKey => $"{Name}+{Convert.ToHexStringLower(KeyId)}+{Convert.ToBase64String([Type, .. PublicKey])}";

    public byte[] Sign(byte[] message) => SignatureAlgorithm.Ed25519.Sign(_key, message);

    /// <summary>A type 0x01 signature line over a note text.</summary>
    public string NoteSignatureLine(string text) => $"— {Name} {Convert.ToBase64String([.. KeyId, .. Sign(Encoding.UTF8.GetBytes(text))])}\n";

    /// <summary>A cosignature/v1 line (type 0x04): key ID, big-endian time, Ed25519 over the header lines and the body.</summary>
    public string CosignatureLine(string checkpointBody, long time)
    {
        var message = Encoding.UTF8.GetBytes($"cosignature/v1\ntime {time}\n{checkpointBody}");
        var stamp = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(stamp, (ulong)time);
        return $"— {Name} {Convert.ToBase64String([.. KeyId, .. stamp, .. Sign(message)])}\n";
    }

    public void Dispose() => _key.Dispose();
}
