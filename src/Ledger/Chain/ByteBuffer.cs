namespace Ledger.Chain;

/// <summary>A growable byte buffer whose written bytes can be read back and rewound (a JSON object is reordered in place).</summary>
public sealed class ByteBuffer(int capacity = 1024)
{
    private byte[] _bytes = new byte[Math.Max(capacity, 16)];

    private int _length;

    /// <summary>The bytes written; set lower to rewind (never higher: the bytes beyond were never written).</summary>
    public int Length
    {
        get => _length;
        set => _length = value >= 0 && value <= _length ? value : throw new ArgumentOutOfRangeException(nameof(value), "a buffer only rewinds");
    }

    public ReadOnlySpan<byte> Written => _bytes.AsSpan(0, Length);

    public void Write(ReadOnlySpan<byte> bytes)
    {
        if (Length + bytes.Length > _bytes.Length) Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, Length + bytes.Length));
        bytes.CopyTo(_bytes.AsSpan(_length));
        _length += bytes.Length;
    }
}
