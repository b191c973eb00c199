using NSec.Cryptography;

namespace LedgerVerify;

/// <summary>
/// Ed25519 (RFC 8032) through libsodium, via NSec: .NET 10 has no Ed25519 of its own. Public keys
/// and signatures are raw bytes (32 and 64); a private key is kept as its 32-byte seed.
/// </summary>
internal static class Ed25519
{
    public const int PublicKeySize = 32;
    public const int SignatureSize = 64;
    public const int SeedSize = 32;

    private static readonly SignatureAlgorithm Algorithm = SignatureAlgorithm.Ed25519;

    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != PublicKeySize || signature.Length != SignatureSize) return false;
        if (!PublicKey.TryImport(Algorithm, publicKey, KeyBlobFormat.RawPublicKey, out var key) || key is null) return false;
        return Algorithm.Verify(key, message, signature);
    }

    /// <summary>True when the 32 bytes import as an Ed25519 public key.</summary>
    public static bool IsPublicKey(ReadOnlySpan<byte> publicKey) =>
        publicKey.Length == PublicKeySize && PublicKey.TryImport(Algorithm, publicKey, KeyBlobFormat.RawPublicKey, out var key) && key is not null;

    /// <summary>A private key; signing is deterministic, so one seed and one message give one signature.</summary>
    public sealed class Signer : IDisposable
    {
        // The witness keeps its seed in a file, so the key must be exportable (NSec's default forbids it).
        private static KeyCreationParameters Exportable => new() { ExportPolicy = KeyExportPolicies.AllowPlaintextExport };

        private readonly Key _key;

        private Signer(Key key)
        {
            _key = key;
            PublicKey = key.PublicKey.Export(KeyBlobFormat.RawPublicKey);
        }

        public byte[] PublicKey { get; }

        public static Signer FromSeed(ReadOnlySpan<byte> seed) =>
            seed.Length == SeedSize
                ? new Signer(Key.Import(Algorithm, seed, KeyBlobFormat.RawPrivateKey, Exportable))
                : throw new ArgumentException($"an Ed25519 seed is {SeedSize} bytes, not {seed.Length}", nameof(seed));

        public static Signer Generate() => new(Key.Create(Algorithm, Exportable));

        public byte[] Seed() => _key.Export(KeyBlobFormat.RawPrivateKey);

        public byte[] Sign(ReadOnlySpan<byte> message) => Algorithm.Sign(_key, message);

        public void Dispose() => _key.Dispose();
    }
}
