using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using NodaTime;
using NSec.Cryptography;

namespace Ledger.Transparency;

/// <summary>
/// c2sp.org/tlog-cosignature, Ed25519 (type 0x04): a witness signs
/// <c>cosignature/v1\ntime {unix seconds}\n</c> followed by the checkpoint text, and its signature line
/// carries key ID || big-endian u64 timestamp || 64-byte signature.
/// </summary>
public static class Cosignature
{
    public const int SignatureSize = 8 + Ed25519Keys.SignatureSize;

    /// <summary>The bytes a cosignature/v1 signs for this checkpoint text at this time.</summary>
    public static byte[] Message(long unixSeconds, ReadOnlySpan<byte> checkpointText)
    {
        if (unixSeconds < 0) throw new ArgumentOutOfRangeException(nameof(unixSeconds), "a cosignature's time is 0 … 2^63-1");
        var header = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"cosignature/v1\ntime {unixSeconds}\n"));
        return [.. header, .. checkpointText];
    }

    /// <summary>The time a cosignature line claims, if its payload has the cosignature/v1 shape.</summary>
    public static bool TryTimestamp(NoteSignature signature, out long unixSeconds)
    {
        unixSeconds = 0;
        if (signature.Signature.Length != SignatureSize) return false;
        var raw = BinaryPrimitives.ReadUInt64BigEndian(signature.Signature);
        if (raw > long.MaxValue) return false;
        unixSeconds = (long)raw;
        return true;
    }
}

/// <summary>Checks type 0x04 cosignatures by one witness key.</summary>
public sealed class CosignatureVerifier : INoteVerifier
{
    private readonly PublicKey _key;

    public CosignatureVerifier(string name, ReadOnlySpan<byte> publicKey)
    {
        if (!NoteKeys.IsValidName(name)) throw new ArgumentException($"not a key name: {name}", nameof(name));
        _key = Ed25519Keys.ImportPublic(publicKey);
        Name = name;
        KeyId = NoteKeys.KeyId(name, SignatureType.Cosignature, publicKey);
    }

    public string Name { get; }

    public uint KeyId { get; }

    public bool Verify(ReadOnlySpan<byte> text, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != Cosignature.SignatureSize) return false;
        var raw = BinaryPrimitives.ReadUInt64BigEndian(signature);
        if (raw > long.MaxValue) return false;
        return Ed25519Keys.Verify(_key, Cosignature.Message((long)raw, text), signature[8..]);
    }
}

/// <summary>A witness's cosigning key. The time is passed in, never read from a clock here.</summary>
public sealed class CosignatureSigner : IDisposable
{
    private readonly Key _key;

    private CosignatureSigner(string name, Key key)
    {
        if (!NoteKeys.IsValidName(name)) throw new ArgumentException($"not a key name: {name}", nameof(name));
        Name = name;
        _key = key;
        VerifierKey = VerifierKey.For(name, SignatureType.Cosignature, Ed25519Keys.PublicKeyOf(key));
    }

    public string Name { get; }

    public uint KeyId => VerifierKey.KeyId;

    /// <summary><c>name+hexid+base64(0x04 || key)</c>: what a log or a reader configures for this witness.</summary>
    public VerifierKey VerifierKey { get; }

    public static CosignatureSigner FromSeed(string name, ReadOnlySpan<byte> seed) => new(name, Ed25519Keys.FromSeed(seed));

    public static CosignatureSigner Generate(string name) => new(name, Ed25519Keys.Generate());

    public byte[] ExportSeed() => Ed25519Keys.Seed(_key);

    /// <summary>
    /// The signature line for this checkpoint at this time. tlog-witness forbids a zero timestamp in
    /// an answer, so a time at or before the epoch is refused.
    /// </summary>
    public NoteSignature Cosign(string checkpointText, Instant now)
    {
        var seconds = now.ToUnixTimeSeconds();
        if (seconds <= 0) throw new ArgumentOutOfRangeException(nameof(now), "a cosignature's time is after the epoch");
        if (!Checkpoint.TryParse(checkpointText, out _)) throw new ArgumentException("only a checkpoint is cosigned", nameof(checkpointText));
        var signature = Ed25519Keys.Sign(_key, Cosignature.Message(seconds, NoteText.Encode(checkpointText)));
        var payload = new byte[Cosignature.SignatureSize];
        BinaryPrimitives.WriteUInt64BigEndian(payload, (ulong)seconds);
        signature.CopyTo(payload, 8);
        return new NoteSignature(Name, KeyId, payload);
    }

    public void Dispose() => _key.Dispose();
}
