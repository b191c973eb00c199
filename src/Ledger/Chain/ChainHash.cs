using System.Security.Cryptography;
using System.Text;

namespace Ledger.Chain;

public static class ChainHash
{
    /// <summary>The hash before the first link.</summary>
    public static readonly byte[] Genesis = new byte[32];

    /// <summary>SHA-256(previous hash ‖ UTF-8 canonical text of the event).</summary>
    public static byte[] Next(byte[] previous, string canonicalText)
    {
        var text = Encoding.UTF8.GetBytes(canonicalText);
        var buffer = new byte[previous.Length + text.Length];
        previous.CopyTo(buffer, 0);
        text.CopyTo(buffer, previous.Length);
        return SHA256.HashData(buffer);
    }
}
