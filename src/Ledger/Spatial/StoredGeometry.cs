using System.Runtime.InteropServices;
using System.Text.Json;

namespace Ledger.Spatial;

/// <summary>
/// How an event keeps its boundary (decision 72): the GeoJSON as posted, without white space, as one
/// JSON string in <c>data.geometry</c>, not as a jsonb tree of numbers. PostgreSQL then stores and
/// prints one string instead of parsing, storing and rendering every coordinate as a numeric, which
/// was most of what a boundary added to an event's append. The numbers stay exactly as posted, so
/// the canonical text still shows the boundary to whoever reads it. Events recorded before keep their
/// tree (their canonical texts must not change); readers take both.
/// </summary>
public static class StoredGeometry
{
    /// <summary>The stored form of a posted GeoJSON geometry: its compact text, as a JSON string.</summary>
    /// <remarks>
    /// Made in one pass over the posted bytes, which the batch's parse already checked: white space
    /// between tokens is dropped, and the text is escaped into a string literal as it is copied
    /// (a writer and a second parse cost more than reading the boundary did).
    /// </remarks>
    public static JsonElement Of(JsonElement posted)
    {
        var raw = JsonMarshal.GetRawUtf8Value(posted);
        var literal = new byte[raw.Length * 2 + 2];
        var at = 0;
        literal[at++] = (byte)'"';
        var inString = false;
        for (var i = 0; i < raw.Length; i++)
        {
            var b = raw[i];
            if (!inString && b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r') continue;
            if (b == (byte)'"') inString = !inString || IsEscaped(raw, i);
            if (b is (byte)'"' or (byte)'\\') literal[at++] = (byte)'\\';
            literal[at++] = b;
        }
        literal[at++] = (byte)'"';
        // The element lives as long as the event that holds it; its document is left to the collector, not disposed.
        return JsonDocument.Parse(literal.AsMemory(0, at)).RootElement;
    }

    /// <summary>Whether the quote at <paramref name="i"/> is escaped: an odd run of backslashes before it.</summary>
    private static bool IsEscaped(ReadOnlySpan<byte> raw, int i)
    {
        var slashes = 0;
        while (i - slashes - 1 >= 0 && raw[i - slashes - 1] == (byte)'\\') slashes++;
        return slashes % 2 == 1;
    }

    /// <summary>A stored geometry in either form, read again as it was at ingest; null for one that does not read (only a forged event holds one).</summary>
    public static Shape? Read(JsonElement stored)
    {
        if (stored.ValueKind is not (JsonValueKind.Object or JsonValueKind.String)) return null;
        try
        {
            return GeoJsonReader.Read(AsGeoJson(stored)).Shape;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The GeoJSON object of a stored geometry in either form: the text of a new event, or the tree of an older one.</summary>
    public static JsonElement AsGeoJson(JsonElement stored)
    {
        if (stored.ValueKind != JsonValueKind.String) return stored;
        using var document = JsonDocument.Parse(stored.GetString()!);
        return document.RootElement.Clone();
    }
}
