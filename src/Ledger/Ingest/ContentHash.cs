using System.Security.Cryptography;
using System.Text.Json;

namespace Ledger.Ingest;

/// <summary>
/// What makes two posts of one eventId "the same content": the event minus its
/// expectedVersion, with object keys sorted and numbers compared by value (2.5 = 2.50).
/// </summary>
public static class ContentHash
{
    public static string Of(JsonElement item)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
            WriteCanonical(writer, item, skip: "expectedVersion");
        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
    }

    private static void WriteCanonical(Utf8JsonWriter w, JsonElement e, string? skip = null)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                w.WriteStartObject();
                foreach (var p in e.EnumerateObject().Where(p => p.Name != skip && p.Value.ValueKind != JsonValueKind.Null)
                             .OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    w.WritePropertyName(p.Name);
                    WriteCanonical(w, p.Value);
                }
                w.WriteEndObject();
                break;
            case JsonValueKind.Array:
                w.WriteStartArray();
                foreach (var x in e.EnumerateArray()) WriteCanonical(w, x);
                w.WriteEndArray();
                break;
            case JsonValueKind.Number when e.TryGetDecimal(out var d):
                w.WriteRawValue(Events.Quantities.Normalize(d).ToString(System.Globalization.CultureInfo.InvariantCulture));
                break;
            default:
                e.WriteTo(w);
                break;
        }
    }
}
