using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Ledger.Chain;

/// <summary>
/// Renders JSON text exactly as PostgreSQL prints it back from <c>jsonb</c> (<c>data::text</c>),
/// so the ingest can hash an event's canonical text without reading it back from the database.
/// PostgreSQL's rendering: object keys sorted by UTF-8 length, then bytewise, the last of
/// repeated keys kept; <c>": "</c> and <c>", "</c> as separators; numbers as <c>numeric</c>
/// prints them (exponents resolved, the scale kept); strings with only <c>"</c>, <c>\</c> and
/// control characters escaped. The verifier still reads PostgreSQL's own rendering, so a
/// difference here shows up as a broken chain at verify, never as a silent pass; the property
/// test in <c>JsonbTextTests</c> compares both on random documents.
/// </summary>
public static class JsonbText
{
    /// <summary>Appends the rendering of <paramref name="json"/> to <paramref name="output"/>.</summary>
    public static void Write(ReadOnlySpan<byte> json, ByteBuffer output)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
        if (!reader.Read()) throw new FormatException("empty JSON");
        WriteValue(ref reader, output);
    }

    public static string Render(string json)
    {
        var output = new ByteBuffer(json.Length * 2);
        Write(Encoding.UTF8.GetBytes(json), output);
        return Encoding.UTF8.GetString(output.Written);
    }

    private static void WriteValue(ref Utf8JsonReader reader, ByteBuffer output)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                WriteObject(ref reader, output);
                break;
            case JsonTokenType.StartArray:
                output.Write("["u8);
                var first = true;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (!first) output.Write(", "u8);
                    first = false;
                    WriteValue(ref reader, output);
                }
                output.Write("]"u8);
                break;
            case JsonTokenType.String:
                WriteString(ref reader, output);
                break;
            case JsonTokenType.Number:
                WriteNumber(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan, output);
                break;
            case JsonTokenType.True: output.Write("true"u8); break;
            case JsonTokenType.False: output.Write("false"u8); break;
            case JsonTokenType.Null: output.Write("null"u8); break;
            default: throw new FormatException($"unexpected JSON token {reader.TokenType}");
        }
    }

    /// <summary>
    /// A member written to the output: where it starts and ends, and its key as jsonb stores it (unescaped UTF-8),
    /// which is the bytes after the member's opening quote unless the key had escapes.
    /// </summary>
    private readonly record struct Member(int Start, int End, int KeyLength, byte[]? DecodedKey)
    {
        public ReadOnlySpan<byte> Key(ReadOnlySpan<byte> output) => DecodedKey ?? output.Slice(Start + 1, KeyLength);
    }

    /// <summary>
    /// Members are written in the order read; then, unless the keys already came in jsonb's order, the object's
    /// bytes are rewritten in that order.
    /// </summary>
    private static void WriteObject(ref Utf8JsonReader reader, ByteBuffer output)
    {
        var objectStart = output.Length;
        output.Write("{"u8);
        var members = new List<Member>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var start = output.Length;
            byte[]? decoded = null;
            int keyLength;
            if (reader.ValueIsEscaped || reader.HasValueSequence)
            {
                decoded = Encoding.UTF8.GetBytes(reader.GetString()!);
                keyLength = decoded.Length;
                WriteString(decoded, output);
            }
            else
            {
                keyLength = reader.ValueSpan.Length;
                WriteString(ref reader, output);
            }
            output.Write(": "u8);
            reader.Read();
            WriteValue(ref reader, output);
            members.Add(new Member(start, output.Length, keyLength, decoded));
            output.Write(", "u8);
        }
        if (members.Count == 0)
        {
            output.Write("}"u8);
            return;
        }
        output.Length -= 2; // the last ", "
        if (!InOrder(members, output.Written)) Reorder(members, objectStart + 1, output);
        output.Write("}"u8);
    }

    private static bool InOrder(List<Member> members, ReadOnlySpan<byte> output)
    {
        for (var i = 1; i < members.Count; i++)
            if (Compare(members[i - 1], members[i], output) >= 0) return false;
        return true;
    }

    /// <summary>Rewrites the members from <paramref name="bodyStart"/> in jsonb's order, keeping only the last of repeated keys.</summary>
    private static void Reorder(List<Member> members, int bodyStart, ByteBuffer output)
    {
        var written = output.Written;
        var order = new int[members.Count];
        for (var i = 0; i < order.Length; i++) order[i] = i;
        // Insertion sort: objects are small, and it keeps repeated keys in the order read (stable).
        for (var i = 1; i < order.Length; i++)
            for (var j = i; j > 0 && Compare(members[order[j - 1]], members[order[j]], written) > 0; j--)
                (order[j - 1], order[j]) = (order[j], order[j - 1]);

        var keep = new bool[order.Length]; // a later member with the same key wins
        for (var i = 0; i < order.Length; i++) keep[i] = i + 1 == order.Length || Compare(members[order[i]], members[order[i + 1]], written) != 0;

        var length = output.Length - bodyStart;
        var body = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            written[bodyStart..].CopyTo(body);
            output.Length = bodyStart;
            var first = true;
            for (var i = 0; i < order.Length; i++)
            {
                if (!keep[i]) continue;
                var m = members[order[i]];
                if (!first) output.Write(", "u8);
                first = false;
                output.Write(body.AsSpan(m.Start - bodyStart, m.End - m.Start));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body);
        }
    }

    private static int Compare(Member a, Member b, ReadOnlySpan<byte> output)
    {
        var x = a.Key(output);
        var y = b.Key(output);
        return x.Length != y.Length ? x.Length.CompareTo(y.Length) : x.SequenceCompareTo(y);
    }

    private static void WriteString(ref Utf8JsonReader reader, ByteBuffer output)
    {
        // Unescaped in the JSON means nothing PostgreSQL would escape either: JSON text holds no raw controls, quotes or backslashes.
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            output.Write("\""u8);
            output.Write(reader.ValueSpan);
            output.Write("\""u8);
            return;
        }
        WriteString(Encoding.UTF8.GetBytes(reader.GetString()!), output);
    }

    /// <summary>PostgreSQL's <c>escape_json</c>: named escapes for five controls, <c>\u00xx</c> (lower case) for the rest.</summary>
    private static void WriteString(ReadOnlySpan<byte> utf8, ByteBuffer output)
    {
        output.Write("\""u8);
        var start = 0;
        for (var i = 0; i < utf8.Length; i++)
        {
            var b = utf8[i];
            if (b >= 0x20 && b != (byte)'"' && b != (byte)'\\') continue;
            output.Write(utf8[start..i]);
            start = i + 1;
            switch (b)
            {
                case (byte)'"': output.Write("\\\""u8); break;
                case (byte)'\\': output.Write("\\\\"u8); break;
                case (byte)'\b': output.Write("\\b"u8); break;
                case (byte)'\f': output.Write("\\f"u8); break;
                case (byte)'\n': output.Write("\\n"u8); break;
                case (byte)'\r': output.Write("\\r"u8); break;
                case (byte)'\t': output.Write("\\t"u8); break;
                default: output.Write(Encoding.ASCII.GetBytes($"\\u{b:x4}")); break;
            }
        }
        output.Write(utf8[start..]);
        output.Write("\""u8);
    }

    /// <summary>
    /// A JSON number as <c>numeric_in</c> then <c>numeric_out</c> render it: the exponent folded into the digits,
    /// as many decimals as the literal had after its point less the exponent (never fewer than none), no leading
    /// zeros, and no sign on zero.
    /// </summary>
    private static void WriteNumber(ReadOnlySpan<byte> literal, ByteBuffer output)
    {
        // JSON forbids leading zeros, so without an exponent only a negative zero prints differently.
        if (literal.IndexOfAny((byte)'e', (byte)'E') < 0 && !(literal[0] == (byte)'-' && literal[1..].IndexOfAnyInRange((byte)'1', (byte)'9') < 0))
        {
            output.Write(literal);
            return;
        }
        var i = 0;
        var negative = literal[0] == (byte)'-';
        if (negative) i++;
        var digits = new StringBuilder();
        var fraction = 0;
        for (; i < literal.Length && IsDigit(literal[i]); i++) digits.Append((char)literal[i]);
        if (i < literal.Length && literal[i] == (byte)'.')
            for (i++; i < literal.Length && IsDigit(literal[i]); i++, fraction++) digits.Append((char)literal[i]);
        long exponent = 0;
        if (i < literal.Length && (literal[i] | 0x20) == (byte)'e')
        {
            i++;
            var minus = literal[i] == (byte)'-';
            if (literal[i] is (byte)'-' or (byte)'+') i++;
            for (; i < literal.Length; i++) exponent = Math.Min(exponent * 10 + (literal[i] - '0'), 1_000_000);
            if (minus) exponent = -exponent;
        }

        // The value is digits × 10^(exponent − fraction); it prints with `scale` decimals.
        var shift = exponent - fraction;
        var scale = (int)Math.Max(0, -shift);
        if (shift > 0) digits.Append('0', (int)shift);
        if (digits.Length <= scale) digits.Insert(0, "0", scale - digits.Length + 1);
        var whole = digits.ToString(0, digits.Length - scale).TrimStart('0');
        var decimals = digits.ToString(digits.Length - scale, scale);
        var text = new StringBuilder();
        if (negative && (whole.Length > 0 || decimals.Any(c => c != '0'))) text.Append('-');
        text.Append(whole.Length == 0 ? "0" : whole);
        if (scale > 0) text.Append('.').Append(decimals);
        output.Write(Encoding.ASCII.GetBytes(text.ToString()));
    }

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';
}
