using NSec.Cryptography;

namespace Ledger.Transparency;

/// <summary>
/// Ed25519 (RFC 8032) through libsodium. Keys are imported from and exported as the 32-byte seed,
/// the form a key file keeps; signatures are deterministic, so a seed and a text give one signature.
/// </summary>
internal static class Ed25519Keys
{
    public const int SeedSize = 32;
    public const int PublicKeySize = 32;
    public const int SignatureSize = 64;

    private static readonly SignatureAlgorithm Algorithm = SignatureAlgorithm.Ed25519;

    // A key file keeps the seed, so the key must be exportable (NSec's default forbids it).
    private static KeyCreationParameters Exportable => new() { ExportPolicy = KeyExportPolicies.AllowPlaintextExport };

    public static Key FromSeed(ReadOnlySpan<byte> seed) =>
        seed.Length == SeedSize
            ? Key.Import(Algorithm, seed, KeyBlobFormat.RawPrivateKey, Exportable)
            : throw new ArgumentException($"an Ed25519 seed is {SeedSize} bytes, not {seed.Length}", nameof(seed));

    public static Key Generate() => Key.Create(Algorithm, Exportable);

    public static byte[] Seed(Key key) => key.Export(KeyBlobFormat.RawPrivateKey);

    public static byte[] PublicKeyOf(Key key) => key.PublicKey.Export(KeyBlobFormat.RawPublicKey);

    public static byte[] Sign(Key key, ReadOnlySpan<byte> message) => Algorithm.Sign(key, message);

    public static PublicKey ImportPublic(ReadOnlySpan<byte> publicKey) =>
        publicKey.Length == PublicKeySize && PublicKey.TryImport(Algorithm, publicKey, KeyBlobFormat.RawPublicKey, out var key) && key is not null
            ? key
            : throw new ArgumentException("not an Ed25519 public key", nameof(publicKey));

    public static bool Verify(PublicKey key, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) =>
        signature.Length == SignatureSize && Algorithm.Verify(key, message, signature);
}
