using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Runtime.InteropServices;

namespace Ledger.Ingest;

/// <summary>
/// What makes two posts of one eventId "the same content": the event minus its
/// expectedVersion, with object keys sorted and numbers compared by value (2.5 = 2.50).
/// </summary>
public static class ContentHash
{
    public static string Of(JsonElement item)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
            WriteCanonical(writer, item, skip: "expectedVersion");
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(buffer.WrittenSpan, hash);
        return Convert.ToHexStringLower(hash);
    }

    internal static string Canonical(decimal d) => Events.Quantities.Normalize(d).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// True when a JSON number's text is exactly what <see cref="Canonical"/> makes of it: plain
    /// digits with at most one point, no exponent, no trailing fractional zero, short enough for
    /// decimal to hold exactly, and not a negative zero.
    /// </summary>
    internal static bool IsCanonical(ReadOnlySpan<byte> raw)
    {
        if (raw.Length is 0 or > 20) return false;
        var digits = raw[0] == (byte)'-' ? raw[1..] : raw;
        var point = digits.IndexOf((byte)'.');
        var nonZero = false;
        for (var i = 0; i < digits.Length; i++)
        {
            var c = digits[i];
            if (i == point) continue;
            if (c is < (byte)'0' or > (byte)'9') return false;
            nonZero |= c != (byte)'0';
        }
        if (digits.Length == 0 || (point >= 0 && (point == 0 || digits[^1] is (byte)'0' or (byte)'.' || digits[(point + 1)..].Contains((byte)'.'))))
            return false;
        return nonZero || raw[0] != (byte)'-';
    }

    /// <summary>
    /// The object's members sorted by name (ordinal), nulls and <paramref name="skip"/> left out. Sorted by insertion
    /// in a pooled array: members are few, and usually already in order, which a LINQ OrderBy paid for in allocations.
    /// </summary>
    private static void WriteObject(Utf8JsonWriter w, JsonElement e, string? skip)
    {
        var members = ArrayPool<(string Name, JsonElement Value)>.Shared.Rent(16);
        var n = 0;
        try
        {
            foreach (var p in e.EnumerateObject())
            {
                if (p.Value.ValueKind == JsonValueKind.Null) continue;
                var name = p.Name;
                if (name == skip) continue;
                if (n == members.Length)
                {
                    var larger = ArrayPool<(string, JsonElement)>.Shared.Rent(n * 2);
                    members.AsSpan(0, n).CopyTo(larger);
                    ArrayPool<(string, JsonElement)>.Shared.Return(members, clearArray: true);
                    members = larger;
                }
                var at = n++;
                while (at > 0 && string.CompareOrdinal(members[at - 1].Name, name) > 0)
                {
                    members[at] = members[at - 1];
                    at--;
                }
                members[at] = (name, p.Value);
            }
            w.WriteStartObject();
            for (var i = 0; i < n; i++)
            {
                w.WritePropertyName(members[i].Name);
                WriteCanonical(w, members[i].Value);
            }
            w.WriteEndObject();
        }
        finally
        {
            ArrayPool<(string, JsonElement)>.Shared.Return(members, clearArray: true);
        }
    }

    private static void WriteCanonical(Utf8JsonWriter w, JsonElement e, string? skip = null)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                WriteObject(w, e, skip);
                break;
            case JsonValueKind.Array:
                w.WriteStartArray();
                foreach (var x in e.EnumerateArray()) WriteCanonical(w, x);
                w.WriteEndArray();
                break;
            case JsonValueKind.Number when IsCanonical(JsonMarshal.GetRawUtf8Value(e)):
                // Already what the decimal round trip below would write (a geometry holds thousands of these).
                w.WriteRawValue(JsonMarshal.GetRawUtf8Value(e), skipInputValidation: true);
                break;
            case JsonValueKind.Number when e.TryGetDecimal(out var d):
                w.WriteRawValue(Canonical(d));
                break;
            default:
                e.WriteTo(w);
                break;
        }
    }
}
