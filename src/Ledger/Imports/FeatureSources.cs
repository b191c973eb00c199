using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace Ledger.Imports;

/// <summary>A GeoJSON FeatureCollection (RFC 7946: longitude/latitude; a <c>crs</c> member naming anything but EPSG:4490 is refused).</summary>
public sealed class GeoJsonSource : IFeatureSource
{
    private readonly JsonDocument _doc;
    private readonly JsonElement _features;

    public GeoJsonSource(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            _doc = JsonDocument.Parse(stream, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw new ImportFileException($"is not valid GeoJSON: {e.Message}");
        }
        var root = _doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String
            || type.GetString() != "FeatureCollection" || !root.TryGetProperty("features", out _features) || _features.ValueKind != JsonValueKind.Array)
        {
            _doc.Dispose();
            throw new ImportFileException("is not a GeoJSON FeatureCollection (an object with \"type\": \"FeatureCollection\" and a \"features\" array)");
        }
        if (root.TryGetProperty("crs", out var crs) && !Crs.NamesCgcs2000(crs.GetRawText()))
        {
            _doc.Dispose();
            throw new ImportFileException($"declares the CRS {BatchText(crs.GetRawText())}; only CGCS2000 longitude/latitude (EPSG:4490) is imported. {Crs.Advice}");
        }
        AttributeNames = _features.EnumerateArray().Take(1000)
            .Where(f => f.ValueKind == JsonValueKind.Object && f.TryGetProperty("properties", out var p) && p.ValueKind == JsonValueKind.Object)
            .SelectMany(f => f.GetProperty("properties").EnumerateObject().Select(p => p.Name)).Distinct().ToList();
    }

    /// <summary>The vertex cap at about forty characters a vertex: a larger geometry is refused before it is parsed.</summary>
    public const int MaxGeometryChars = Spatial.GeoJsonReader.MaxVertices * 40 + 64 * 1024;

    public IReadOnlyList<string> AttributeNames { get; }

    public int Count => _features.GetArrayLength();

    public IEnumerable<ImportFeature> Features()
    {
        var n = 0;
        foreach (var f in _features.EnumerateArray())
        {
            n++;
            var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
            if (f.ValueKind == JsonValueKind.Object && f.TryGetProperty("properties", out var props) && props.ValueKind == JsonValueKind.Object)
                foreach (var p in props.EnumerateObject()) attributes[p.Name] = Value(p.Value);
            if (f.ValueKind != JsonValueKind.Object || !f.TryGetProperty("geometry", out var g) || g.ValueKind == JsonValueKind.Null)
                yield return new ImportFeature(n, attributes, null, "has no geometry");
            else if (g.GetRawText() is var raw && raw.Length > MaxGeometryChars)
                yield return new ImportFeature(n, attributes, null, $"has a geometry of {raw.Length:N0} characters; at most {MaxGeometryChars:N0} are read", raw.Length);
            else
                yield return new ImportFeature(n, attributes, JsonNode.Parse(raw), null, raw.Length);
        }
    }

    private static object? Value(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => Clip(v.GetString()!),
        JsonValueKind.Number => v.TryGetDecimal(out var d) ? d : v.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null => null,
        _ => Clip(v.GetRawText()),
    };

    private static string BatchText(string s) => s.Length <= 80 ? s : s[..80] + "…";

    /// <summary>Attribute values as a GeoPackage's are read: clipped, so no value is carried (or echoed) whole.</summary>
    private static string Clip(string s) => s.Length <= GeoPackageSource.MaxAttributeChars ? s : s[..GeoPackageSource.MaxAttributeChars];

    public void Dispose() => _doc.Dispose();
}

/// <summary>An ESRI Shapefile (.shp with its .dbf, and .prj when present, which must be CGCS2000 geographic).</summary>
public sealed class ShapefileSource : IFeatureSource
{
    private readonly string _shp;

    public ShapefileSource(string shp)
    {
        _shp = shp;
        try
        {
            if (LargestRecord(shp) is var largest and > GeometryBlob.MaxBytes)
                throw new ImportFileException($"holds a shape of {largest:N0} bytes; at most {GeometryBlob.MaxBytes:N0} are read (split the feature or simplify it)");
            using var reader = NetTopologySuite.IO.Esri.Shapefile.OpenRead(shp);
            if (!string.IsNullOrWhiteSpace(reader.Projection) && !Crs.IsCgcs2000Geographic(reader.Projection))
                throw new ImportFileException($"is in the CRS {Crs.Name(reader.Projection)} (from its .prj); only CGCS2000 longitude/latitude (EPSG:4490) is imported. {Crs.Advice}");
            AttributeNames = reader.Fields.Select(f => f.Name).ToList();
            Count = reader.RecordCount;
        }
        catch (Exception e) when (e is IOException or NetTopologySuite.IO.Esri.ShapefileException or InvalidDataException
                                       or ArgumentException or NotSupportedException or FormatException)
        {
            throw new ImportFileException($"is not a readable Shapefile: {Ingest.BatchParser.Clip(e.Message, 200)}");
        }
    }

    public IReadOnlyList<string> AttributeNames { get; }

    public int Count { get; }

    /// <summary>
    /// The largest record's length, from the record headers alone (100-byte file header, then per
    /// record its number and its length in 16-bit words, big-endian): a reader would allocate a
    /// shape's points whole before any cap could refuse them.
    /// </summary>
    private static long LargestRecord(string shp)
    {
        using var file = File.OpenRead(shp);
        Span<byte> header = stackalloc byte[8];
        long largest = 0;
        file.Position = 100;
        while (file.Position + 8 <= file.Length)
        {
            file.ReadExactly(header);
            var bytes = 2L * System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(header[4..]);
            largest = Math.Max(largest, bytes);
            file.Position += bytes;
        }
        return largest;
    }

    public IEnumerable<ImportFeature> Features()
    {
        using var reader = NetTopologySuite.IO.Esri.Shapefile.OpenRead(_shp);
        var n = 0;
        while (reader.Read(out var deleted))
        {
            n++;
            if (deleted) continue;
            var attributes = reader.Fields.ToDictionary(f => f.Name, f => f.Value is string s ? s.Trim() : (object?)f.Value, StringComparer.Ordinal);
            var (json, problem) = NtsGeoJson.Write(reader.Geometry);
            yield return new ImportFeature(n, attributes, json, problem, 16L * (reader.Geometry?.NumPoints ?? 0));
        }
    }

    public void Dispose() { }
}

/// <summary>An NTS geometry as contract GeoJSON (Polygon or MultiPolygon, [lon, lat] only; heights dropped).</summary>
public static class NtsGeoJson
{
    public static (JsonNode? Json, string? Problem) Write(Geometry? g) => g switch
    {
        null or { IsEmpty: true } => (null, "has no geometry"),
        // Before any JSON is made of it: a node per ordinate costs far more than the geometry.
        { NumPoints: > Spatial.GeoJsonReader.MaxVertices } => (null, $"has more than {Spatial.GeoJsonReader.MaxVertices:N0} vertices"),
        Polygon p => (new JsonObject { ["type"] = "Polygon", ["coordinates"] = Rings(p) }, null),
        MultiPolygon m => (new JsonObject
        {
            ["type"] = "MultiPolygon",
            ["coordinates"] = new JsonArray(m.Geometries.Cast<Polygon>().Select(p => (JsonNode)Rings(p)).ToArray()),
        }, null),
        _ => (null, $"is a {g.GeometryType}; the layer takes polygons"),
    };

    private static JsonArray Rings(Polygon p) =>
        new(new[] { p.ExteriorRing }.Concat(p.InteriorRings).Select(r => (JsonNode)new JsonArray(
            r.Coordinates.Select(c => (JsonNode)new JsonArray(JsonValue.Create(c.X), JsonValue.Create(c.Y))).ToArray())).ToArray());
}

/// <summary>Recognising CGCS2000 longitude/latitude in the ways files declare it.</summary>
public static class Crs
{
    public const string Advice = "Reproject it first, e.g. ogr2ogr -t_srs EPSG:4490 out.gpkg in.gpkg.";

    /// <summary>A WKT (a .prj or a GeoPackage SRS definition) of a geographic CRS on the CGCS2000 datum.</summary>
    public static bool IsCgcs2000Geographic(string wkt)
    {
        var t = wkt.TrimStart();
        var geographic = t.StartsWith("GEOGCS", StringComparison.OrdinalIgnoreCase) || t.StartsWith("GEOGCRS", StringComparison.OrdinalIgnoreCase)
                         || t.StartsWith("GEODCRS", StringComparison.OrdinalIgnoreCase);
        return geographic && (t.Contains("China_Geodetic_Coordinate_System_2000", StringComparison.OrdinalIgnoreCase)
                              || t.Contains("China Geodetic Coordinate System 2000", StringComparison.OrdinalIgnoreCase)
                              || t.Contains("CGCS2000", StringComparison.OrdinalIgnoreCase) || t.Contains("CGCS_2000", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>A GeoJSON <c>crs</c> member naming EPSG:4490.</summary>
    public static bool NamesCgcs2000(string crsJson) =>
        crsJson.Contains("EPSG::4490", StringComparison.OrdinalIgnoreCase) || crsJson.Contains("EPSG:4490", StringComparison.OrdinalIgnoreCase);

    /// <summary>The CRS's own name from a WKT, for the message: clipped, as it is the uploader's text (a 5 MB name was echoed whole).</summary>
    public static string Name(string wkt)
    {
        var start = wkt.IndexOf('"');
        var end = start < 0 ? -1 : wkt.IndexOf('"', start + 1);
        return end > start ? Ingest.BatchParser.Clip(wkt[(start + 1)..end], 80) : wkt[..Math.Min(40, wkt.Length)];
    }
}
