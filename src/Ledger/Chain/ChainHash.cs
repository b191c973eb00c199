using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Ledger.Chain;

public static class ChainHash
{
    /// <summary>The hash before the first link.</summary>
    public static readonly byte[] Genesis = new byte[32];

    /// <summary>SHA-256(previous hash ‖ the event's canonical text, already in UTF-8).</summary>
    public static byte[] Next(byte[] previous, ReadOnlySpan<byte> canonicalText)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(previous.Length + canonicalText.Length);
        try
        {
            previous.CopyTo(buffer, 0);
            canonicalText.CopyTo(buffer.AsSpan(previous.Length));
            return SHA256.HashData(buffer.AsSpan(0, previous.Length + canonicalText.Length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>SHA-256(previous hash ‖ UTF-8 canonical text of the event).</summary>
    public static byte[] Next(byte[] previous, string canonicalText)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(canonicalText.Length));
        try
        {
            return Next(previous, buffer.AsSpan(0, Encoding.UTF8.GetBytes(canonicalText, buffer)));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
