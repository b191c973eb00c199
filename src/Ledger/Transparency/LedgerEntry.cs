using System.Globalization;
using System.Text;

namespace Ledger.Transparency;

/// <summary>
/// The bytes of the ledger's log entry for one event: four newline-terminated lines,
/// <c>ledger-event/v1</c>, the chain sequence in decimal, the event id (lower-case, hyphenated), and
/// the base64 SHA-256 of the event's canonical text. Entry i of a database's log is sequence i+1.
/// Small on purpose: a tlog-tiles entry is at most 65,535 bytes, an event may be larger.
/// </summary>
public sealed record LedgerEntry(long Sequence, Guid EventId, Hash CanonicalTextHash)
{
    public const string Header = "ledger-event/v1";

    /// <summary>The entry for an event, from its canonical text as the chain hashes it (UTF-8).</summary>
    public static LedgerEntry For(long sequence, Guid eventId, ReadOnlySpan<byte> canonicalText) =>
        new(sequence, eventId, Hash.Sha256(canonicalText));

    /// <summary>The zero-based leaf index in the log.</summary>
    public long Index => Sequence - 1;

    public byte[] ToBytes()
    {
        if (Sequence < 1) throw new InvalidOperationException("chain sequences start at 1");
        if (!CanonicalTextHash.HasValue) throw new InvalidOperationException("an entry carries the canonical text's hash");
        return Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"{Header}\n{Sequence}\n{EventId:D}\n{CanonicalTextHash.ToBase64()}\n"));
    }

    public Hash LeafHash => MerkleTree.LeafHash(ToBytes());

    /// <summary>Accepts exactly the bytes <see cref="ToBytes"/> writes.</summary>
    public static bool TryParse(ReadOnlySpan<byte> entry, out LedgerEntry parsed)
    {
        parsed = null!;
        if (entry.Length > 256 || entry.IndexOfAnyExceptInRange((byte)0x0A, (byte)0x7E) >= 0) return false;
        var lines = Encoding.ASCII.GetString(entry).Split('\n');
        if (lines.Length != 5 || lines[0] != Header || lines[4].Length != 0) return false;
        if (!DecimalText.TryParse(lines[1], out var sequence) || sequence < 1) return false;
        if (!Guid.TryParseExact(lines[2], "D", out var eventId) || lines[2] != eventId.ToString("D")) return false;
        if (!Hash.TryParseBase64(lines[3], out var hash)) return false;
        parsed = new LedgerEntry(sequence, eventId, hash);
        return true;
    }
}
