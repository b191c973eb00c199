using System.Buffers.Binary;
using System.Text;

namespace LedgerVerify;

/// <summary>
/// c2sp.org/tlog-cosignature, Ed25519 (type 0x04). The witness signs
/// <c>cosignature/v1\ntime {unix seconds}\n</c> followed by the whole checkpoint body; the bytes after
/// the key ID in its signature line are the big-endian u64 time and the 64-byte signature.
/// </summary>
internal static class Cosignature
{
    public const int PayloadSize = 8 + Ed25519.SignatureSize;

    /// <summary>The message a cosignature/v1 signs: two header lines, then the checkpoint body.</summary>
    public static byte[] Message(long unixSeconds, ReadOnlySpan<byte> checkpointBody)
    {
        if (unixSeconds < 0) throw new ArgumentOutOfRangeException(nameof(unixSeconds), "a cosignature's time is 0 … 2^63-1");
        var header = Encoding.ASCII.GetBytes($"cosignature/v1\ntime {DecimalText.Of(unixSeconds)}\n");
        return [.. header, .. checkpointBody];
    }

    /// <summary>The time a cosignature claims; false when the payload is not 8 + 64 bytes or the time is 2^63 or later.</summary>
    public static bool TryTime(ReadOnlySpan<byte> payload, out long unixSeconds)
    {
        unixSeconds = 0;
        if (payload.Length != PayloadSize) return false;
        var raw = BinaryPrimitives.ReadUInt64BigEndian(payload);
        if (raw > long.MaxValue) return false;
        unixSeconds = (long)raw;
        return true;
    }

    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> checkpointBody, ReadOnlySpan<byte> payload) =>
        TryTime(payload, out var time) && Ed25519.Verify(publicKey, Message(time, checkpointBody), payload[8..]);

    /// <summary>The payload (time || signature) of a cosignature by this key at this time.</summary>
    public static byte[] Sign(Ed25519.Signer signer, ReadOnlySpan<byte> checkpointBody, long unixSeconds)
    {
        var payload = new byte[PayloadSize];
        BinaryPrimitives.WriteUInt64BigEndian(payload, (ulong)unixSeconds);
        signer.Sign(Message(unixSeconds, checkpointBody)).CopyTo(payload, 8);
        return payload;
    }
}
