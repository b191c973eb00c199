using System.Security.Cryptography;

namespace Ledger.Transparency;

/// <summary>
/// A SHA-256 value: a tree node, a root, or the digest of a canonical text. Immutable; two hashes
/// are equal when their bytes are.
/// </summary>
public readonly struct Hash : IEquatable<Hash>
{
    public const int Size = 32;

    // Always exactly 32 bytes and never handed out, so nobody can change a hash after the fact.
    private readonly byte[]? _bytes;

    private Hash(byte[] bytes) => _bytes = bytes;

    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>False only for <c>default(Hash)</c>, which is no hash at all.</summary>
    public bool HasValue => _bytes is not null;

    public static Hash FromBytes(ReadOnlySpan<byte> bytes) =>
        bytes.Length == Size ? new Hash(bytes.ToArray()) : throw new ArgumentException($"a hash is {Size} bytes, not {bytes.Length}", nameof(bytes));

    public static bool TryFromBytes(ReadOnlySpan<byte> bytes, out Hash hash)
    {
        hash = bytes.Length == Size ? new Hash(bytes.ToArray()) : default;
        return hash.HasValue;
    }

    public static Hash Sha256(ReadOnlySpan<byte> data)
    {
        var output = new byte[Size];
        Sha256(data, output);
        return new Hash(output);
    }

    /// <summary>
    /// SHA-256 with one hash context per thread: the log hashes hundreds of small inputs per batch
    /// under the chain's lock, and a fresh context for each (what <c>SHA256.HashData</c> makes)
    /// costs about half as much again as the hashing (measured 0.99 against 0.60 µs for 107 bytes).
    /// </summary>
    public static void Sha256(ReadOnlySpan<byte> data, Span<byte> output)
    {
        var sha = _sha ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(data);
        sha.GetHashAndReset(output);
    }

    [ThreadStatic] private static IncrementalHash? _sha;

    /// <summary>Standard base64 with padding, as every C2SP format writes a hash.</summary>
    public static bool TryParseBase64(string text, out Hash hash)
    {
        hash = default;
        return StrictBase64.TryDecode(text, out var bytes) && TryFromBytes(bytes, out hash);
    }

    public static Hash ParseBase64(string text) =>
        TryParseBase64(text, out var hash) ? hash : throw new FormatException("not the base64 of a 32-byte hash");

    public byte[] ToArray() => Bytes.ToArray();

    public string ToBase64() => Convert.ToBase64String(Bytes);

    public override string ToString() => ToBase64();

    public bool Equals(Hash other) => Bytes.SequenceEqual(other.Bytes);

    public override bool Equals(object? obj) => obj is Hash other && Equals(other);

    public override int GetHashCode() => HasValue ? BitConverter.ToInt32(_bytes!, 0) : 0;

    public static bool operator ==(Hash left, Hash right) => left.Equals(right);

    public static bool operator !=(Hash left, Hash right) => !left.Equals(right);
}
