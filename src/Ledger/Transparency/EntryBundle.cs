using System.Buffers.Binary;

namespace Ledger.Transparency;

/// <summary>
/// The bytes of a tlog-tiles entry bundle (<c>tile/entries/N</c>): up to 256 entries, each prefixed
/// by its length as a big-endian uint16, so an entry is at most 65,535 bytes.
/// </summary>
public static class EntryBundle
{
    public const int MaxEntryLength = ushort.MaxValue;

    public static byte[] Encode(IReadOnlyList<byte[]> entries)
    {
        if (entries.Count > Tile.FullWidth) throw new ArgumentException($"a bundle holds at most {Tile.FullWidth} entries, not {entries.Count}", nameof(entries));
        var bytes = new byte[entries.Sum(e => 2 + e.Length)];
        var at = 0;
        foreach (var entry in entries)
        {
            if (entry.Length > MaxEntryLength) throw new ArgumentException($"an entry is at most {MaxEntryLength} bytes, not {entry.Length}", nameof(entries));
            BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(at), (ushort)entry.Length);
            entry.CopyTo(bytes, at + 2);
            at += 2 + entry.Length;
        }
        return bytes;
    }

    public static IReadOnlyList<byte[]> Decode(ReadOnlySpan<byte> bundle) =>
        TryDecode(bundle, out var entries) ? entries : throw new FormatException("not an entry bundle: a length runs past the end, or more than 256 entries");

    /// <summary>
    /// The length in bytes of the bundle's first <paramref name="count"/> entries (itself the bundle of
    /// those entries, as a bundle is its entries one after another), or -1 when the bundle is malformed
    /// or holds fewer. Walks the lengths only: a proof needs one entry, not 256 copies.
    /// </summary>
    public static int PrefixLength(ReadOnlySpan<byte> bundle, int count)
    {
        var at = 0;
        for (var i = 0; i < count; i++)
        {
            if (i == Tile.FullWidth || bundle.Length - at < 2) return -1;
            var length = BinaryPrimitives.ReadUInt16BigEndian(bundle[at..]);
            if (bundle.Length - at - 2 < length) return -1;
            at += 2 + length;
        }
        return at;
    }

    /// <summary>Entry <paramref name="i"/> of a bundle holding at least i + 1 entries.</summary>
    public static byte[] EntryAt(ReadOnlySpan<byte> bundle, int i)
    {
        var start = PrefixLength(bundle, i);
        var length = start < 0 ? -1 : PrefixLength(bundle[start..], 1);
        if (length < 0) throw new FormatException($"the bundle holds no entry {i}");
        return bundle.Slice(start + 2, length - 2).ToArray();
    }

    /// <summary>False for a length that runs past the end, or more than 256 entries; an empty bundle is no entries.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> bundle, out IReadOnlyList<byte[]> entries)
    {
        var list = new List<byte[]>();
        entries = list;
        while (bundle.Length > 0)
        {
            if (bundle.Length < 2 || list.Count == Tile.FullWidth) return false;
            var length = BinaryPrimitives.ReadUInt16BigEndian(bundle);
            if (bundle.Length < 2 + length) return false;
            list.Add(bundle.Slice(2, length).ToArray());
            bundle = bundle[(2 + length)..];
        }
        return true;
    }
}
