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
            else
                yield return new ImportFeature(n, attributes, JsonNode.Parse(g.GetRawText()));
        }
    }

    private static object? Value(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString(),
        JsonValueKind.Number => v.TryGetDecimal(out var d) ? d : v.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null => null,
        _ => v.GetRawText(),
    };

    private static string BatchText(string s) => s.Length <= 80 ? s : s[..80] + "…";

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
            using var reader = NetTopologySuite.IO.Esri.Shapefile.OpenRead(shp);
            if (!string.IsNullOrWhiteSpace(reader.Projection) && !Crs.IsCgcs2000Geographic(reader.Projection))
                throw new ImportFileException($"is in the CRS {Crs.Name(reader.Projection)} (from its .prj); only CGCS2000 longitude/latitude (EPSG:4490) is imported. {Crs.Advice}");
            AttributeNames = reader.Fields.Select(f => f.Name).ToList();
            Count = reader.RecordCount;
        }
        catch (Exception e) when (e is IOException or NetTopologySuite.IO.Esri.ShapefileException or InvalidDataException
                                       or ArgumentException or NotSupportedException or FormatException)
        {
            throw new ImportFileException($"is not a readable Shapefile: {e.Message}");
        }
    }

    public IReadOnlyList<string> AttributeNames { get; }

    public int Count { get; }

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
            yield return new ImportFeature(n, attributes, json, problem);
        }
    }

    public void Dispose() { }
}

/// <summary>A GeoPackage (SQLite): its first features table, or the one named; geometries must be in an SRS that is EPSG:4490.</summary>
public sealed class GeoPackageSource : IFeatureSource
{
    private readonly SqliteConnection _conn;
    private readonly string _table;
    private readonly string _geometryColumn;

    public GeoPackageSource(string path)
    {
        _conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        try
        {
            _conn.Open();
            // A truncated or damaged file often still opens (its schema is on the first page); the check reads every page.
            using (var check = _conn.CreateCommand())
            {
                check.CommandText = "pragma quick_check";
                if (check.ExecuteScalar() is not "ok") throw new ImportFileException("is not a readable GeoPackage: the database file is damaged or truncated");
            }
            using var cmd = _conn.CreateCommand();
            cmd.CommandText = """
                select g.table_name, g.column_name, s.organization, s.organization_coordsys_id, s.definition
                from gpkg_geometry_columns g join gpkg_contents c on c.table_name = g.table_name
                left join gpkg_spatial_ref_sys s on s.srs_id = g.srs_id
                where c.data_type = 'features' order by g.table_name limit 1
                """;
            using var r = cmd.ExecuteReader();
            if (!r.Read()) throw new ImportFileException("is a GeoPackage without a features table");
            (_table, _geometryColumn) = (r.GetString(0), r.GetString(1));
            var organization = r.IsDBNull(2) ? "" : r.GetString(2);
            var code = r.IsDBNull(3) ? 0 : r.GetInt32(3);
            var definition = r.IsDBNull(4) ? "" : r.GetString(4);
            if (!(organization.Equals("EPSG", StringComparison.OrdinalIgnoreCase) && code == Storage.Postgis.Srid) && !Crs.IsCgcs2000Geographic(definition))
                throw new ImportFileException($"holds table {_table} in the CRS {organization}:{code}; only CGCS2000 longitude/latitude (EPSG:4490) is imported. {Crs.Advice}");
            using var columns = _conn.CreateCommand();
            columns.CommandText = $"select name from pragma_table_info({Quote(_table)})";
            using var c = columns.ExecuteReader();
            var names = new List<string>();
            while (c.Read()) names.Add(c.GetString(0));
            AttributeNames = names.Where(x => x != _geometryColumn).ToList();
            using var count = _conn.CreateCommand();
            count.CommandText = $"select count(*) from \"{_table.Replace("\"", "\"\"")}\"";
            Count = Convert.ToInt32(count.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (SqliteException e)
        {
            _conn.Dispose();
            throw new ImportFileException($"is not a readable GeoPackage: {e.Message}");
        }
        catch
        {
            _conn.Dispose();
            throw;
        }
    }

    public IReadOnlyList<string> AttributeNames { get; }

    public int Count { get; }

    public IEnumerable<ImportFeature> Features()
    {
        var reader = new GeoPackageGeoReader();
        using var cmd = _conn.CreateCommand();
        cmd.CommandText = $"select * from \"{_table.Replace("\"", "\"\"")}\" order by rowid";
        using var r = cmd.ExecuteReader();
        var n = 0;
        while (r.Read())
        {
            n++;
            var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
            (JsonNode? Json, string? Problem) geometry = (null, "has no geometry");
            for (var i = 0; i < r.FieldCount; i++)
            {
                if (r.GetName(i) == _geometryColumn)
                {
                    if (!r.IsDBNull(i))
                        geometry = ReadGeometry(reader, (byte[])r.GetValue(i));
                }
                else attributes[r.GetName(i)] = r.IsDBNull(i) ? null : r.GetValue(i);
            }
            yield return new ImportFeature(n, attributes, geometry.Json, geometry.Problem);
        }
    }

    private static (JsonNode?, string?) ReadGeometry(GeoPackageGeoReader reader, byte[] blob)
    {
        try
        {
            return NtsGeoJson.Write(reader.Read(blob));
        }
        catch (Exception e) when (e is ParseException or ArgumentException or IndexOutOfRangeException or InvalidOperationException or EndOfStreamException)
        {
            return (null, $"has a geometry that does not read: {e.Message}");
        }
    }

    private static string Quote(string s) => "'" + s.Replace("'", "''") + "'";

    public void Dispose() => _conn.Dispose();
}

/// <summary>An NTS geometry as contract GeoJSON (Polygon or MultiPolygon, [lon, lat] only; heights dropped).</summary>
public static class NtsGeoJson
{
    public static (JsonNode? Json, string? Problem) Write(Geometry? g) => g switch
    {
        null or { IsEmpty: true } => (null, "has no geometry"),
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
