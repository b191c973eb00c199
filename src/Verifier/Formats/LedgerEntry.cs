using System.Text;

namespace LedgerVerify;

/// <summary>
/// A log entry of the ledger (contract 1.6): exactly four newline-terminated lines,
/// <c>ledger-event/v1</c>, the event's position in its database's chain (decimal, from 1), the event
/// id (lower-case, hyphenated) and the standard base64 of the SHA-256 of the event's canonical text.
/// Entry i of a log is position i + 1.
/// </summary>
internal sealed record LedgerEntry(long Position, string EventId, byte[] TextHash)
{
    public const string Header = "ledger-event/v1";

    public long Index => Position - 1;

    public static LedgerEntry Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > 256) throw new FormatException("a ledger-event/v1 entry is at most 256 bytes");
        foreach (var b in bytes)
            if (b != 0x0A && b is < 0x20 or > 0x7E) throw new FormatException("a ledger-event/v1 entry is printable ASCII lines");
        // Read on the bytes, line by line, without a string per line: a whole log is tens of millions of entries.
        Span<Range> lines = stackalloc Range[4];
        var start = 0;
        for (var i = 0; i < 4; i++)
        {
            var end = bytes[start..].IndexOf((byte)'\n');
            if (end < 0) throw new FormatException("a ledger-event/v1 entry is exactly four newline-terminated lines");
            lines[i] = new Range(start, start + end);
            start += end + 1;
        }
        if (start != bytes.Length) throw new FormatException("a ledger-event/v1 entry is exactly four newline-terminated lines");
        if (!bytes[lines[0]].SequenceEqual("ledger-event/v1"u8)) throw new FormatException($"entry line 1 is not '{Header}'");
        if (!DecimalText.TryParse(bytes[lines[1]], out var position) || position < 1) throw new FormatException("entry line 2 is not a position (decimal from 1, no leading zero)");
        if (!EventIds.IsCanonical(bytes[lines[2]])) throw new FormatException("entry line 3 is not an event id (lower-case hyphenated GUID)");
        if (!StrictBase64.TryDecodeHash(bytes[lines[3]], out var hash)) throw new FormatException("entry line 4 is not the base64 of a SHA-256");
        return new LedgerEntry(position, Encoding.ASCII.GetString(bytes[lines[2]]), hash);
    }

    public byte[] ToBytes() => Encoding.ASCII.GetBytes($"{Header}\n{DecimalText.Of(Position)}\n{EventId}\n{Convert.ToBase64String(TextHash)}\n");
}
