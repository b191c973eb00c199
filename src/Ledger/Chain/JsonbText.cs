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
    public static void Write(ReadOnlySpan<byte> json, IBufferWriter<byte> output)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
        if (!reader.Read()) throw new FormatException("empty JSON");
        WriteValue(ref reader, output);
    }

    public static string Render(string json)
    {
        var output = new ArrayBufferWriter<byte>();
        Write(Encoding.UTF8.GetBytes(json), output);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static void WriteValue(ref Utf8JsonReader reader, IBufferWriter<byte> output)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                WriteObject(ref reader, output);
                break;
            case JsonTokenType.StartArray:
                Append(output, "["u8);
                var first = true;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (!first) Append(output, ", "u8);
                    first = false;
                    WriteValue(ref reader, output);
                }
                Append(output, "]"u8);
                break;
            case JsonTokenType.String:
                WriteString(Unescaped(ref reader), output);
                break;
            case JsonTokenType.Number:
                WriteNumber(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan, output);
                break;
            case JsonTokenType.True: Append(output, "true"u8); break;
            case JsonTokenType.False: Append(output, "false"u8); break;
            case JsonTokenType.Null: Append(output, "null"u8); break;
            default: throw new FormatException($"unexpected JSON token {reader.TokenType}");
        }
    }

    /// <summary>Members are rendered apart first: their order is only known once all keys are read.</summary>
    private static void WriteObject(ref Utf8JsonReader reader, IBufferWriter<byte> output)
    {
        var members = new List<(byte[] Key, byte[] Value)>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var key = Unescaped(ref reader);
            reader.Read();
            var value = new ArrayBufferWriter<byte>();
            WriteValue(ref reader, value);
            var at = members.FindIndex(m => m.Key.AsSpan().SequenceEqual(key));
            if (at >= 0) members.RemoveAt(at); // jsonb keeps the last of repeated keys
            members.Add((key, value.WrittenSpan.ToArray()));
        }
        members.Sort((a, b) => a.Key.Length != b.Key.Length ? a.Key.Length.CompareTo(b.Key.Length) : a.Key.AsSpan().SequenceCompareTo(b.Key));
        Append(output, "{"u8);
        for (var i = 0; i < members.Count; i++)
        {
            if (i > 0) Append(output, ", "u8);
            WriteString(members[i].Key, output);
            Append(output, ": "u8);
            Append(output, members[i].Value);
        }
        Append(output, "}"u8);
    }

    private static byte[] Unescaped(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped && !reader.HasValueSequence) return reader.ValueSpan.ToArray();
        return Encoding.UTF8.GetBytes(reader.GetString()!);
    }

    /// <summary>PostgreSQL's <c>escape_json</c>: named escapes for five controls, <c>\u00xx</c> (lower case) for the rest.</summary>
    private static void WriteString(ReadOnlySpan<byte> utf8, IBufferWriter<byte> output)
    {
        Append(output, "\""u8);
        var start = 0;
        for (var i = 0; i < utf8.Length; i++)
        {
            var b = utf8[i];
            if (b >= 0x20 && b != (byte)'"' && b != (byte)'\\') continue;
            Append(output, utf8[start..i]);
            start = i + 1;
            switch (b)
            {
                case (byte)'"': Append(output, "\\\""u8); break;
                case (byte)'\\': Append(output, "\\\\"u8); break;
                case (byte)'\b': Append(output, "\\b"u8); break;
                case (byte)'\f': Append(output, "\\f"u8); break;
                case (byte)'\n': Append(output, "\\n"u8); break;
                case (byte)'\r': Append(output, "\\r"u8); break;
                case (byte)'\t': Append(output, "\\t"u8); break;
                default: Append(output, Encoding.ASCII.GetBytes($"\\u{b:x4}")); break;
            }
        }
        Append(output, utf8[start..]);
        Append(output, "\""u8);
    }

    /// <summary>
    /// A JSON number as <c>numeric_in</c> then <c>numeric_out</c> render it: the exponent folded into the digits,
    /// as many decimals as the literal had after its point less the exponent (never fewer than none), no leading
    /// zeros, and no sign on zero.
    /// </summary>
    private static void WriteNumber(ReadOnlySpan<byte> literal, IBufferWriter<byte> output)
    {
        // JSON forbids leading zeros, so without an exponent only a negative zero prints differently.
        if (literal.IndexOfAny((byte)'e', (byte)'E') < 0 && !(literal[0] == (byte)'-' && literal[1..].IndexOfAnyInRange((byte)'1', (byte)'9') < 0))
        {
            Append(output, literal);
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
        Append(output, Encoding.ASCII.GetBytes(text.ToString()));
    }

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';

    private static void Append(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes) => output.Write(bytes);
}
