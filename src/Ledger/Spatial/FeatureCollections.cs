using System.Text;
using System.Text.Json;

namespace Ledger.Spatial;

/// <summary>One GeoJSON FeatureCollection from several databases' maps of the same request.</summary>
public static class FeatureCollections
{
    /// <summary>The first collection's members (region, asOf, knownAt), then every collection's features in the order given.</summary>
    public static string Join(IReadOnlyList<string> collections)
    {
        var documents = collections.Select(c => JsonDocument.Parse(c)).ToList();
        try
        {
            using var buffer = new MemoryStream();
            // GeoJSON for clients, never inlined into HTML: 中文 stays readable, as in a map from one database.
            using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                w.WriteStartObject();
                foreach (var member in documents[0].RootElement.EnumerateObject().Where(m => m.Name != "features")) member.WriteTo(w);
                w.WriteStartArray("features");
                foreach (var feature in documents.SelectMany(d => d.RootElement.GetProperty("features").EnumerateArray())) feature.WriteTo(w);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
        finally
        {
            foreach (var d in documents) d.Dispose();
        }
    }
}
