using System.Globalization;
using System.Text.Json;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Valid;

namespace Ledger.Spatial;

/// <summary>
/// Reads <c>data.geometry</c>: a GeoJSON Polygon or MultiPolygon in CGCS2000 longitude/latitude.
/// Every refusal says where (<c>coordinates[0][3]</c>, or the point of a self-intersection) and why.
/// </summary>
public static class GeoJsonReader
{
    public const int MaxVertices = 100_000;
    public const double MinLon = 73, MaxLon = 136, MinLat = 3, MaxLat = 54;

    public static readonly GeometryFactory Factory = new(new PrecisionModel(), Ledger.Storage.Postgis.Srid);

    /// <summary>Thrown inside the walk: the first problem ends it.</summary>
    private sealed class Refused(string message) : Exception(message);

    /// <summary>A posted geometry, with the form its event will keep it in (<see cref="StoredGeometry"/>): what the ingest reads.</summary>
    public static (Shape? Shape, string? Problem) ReadPosted(JsonElement raw)
    {
        var (shape, problem) = Read(raw);
        return (shape is null ? null : shape with { Stored = StoredGeometry.Of(raw) }, problem);
    }

    /// <summary>
    /// A geometry read to be looked at (its area, its validity), with no stored form: the derived check, imports' areas and
    /// tools read many, and copying each into a string would be work nothing uses.
    /// </summary>
    public static (Shape? Shape, string? Problem) Read(JsonElement raw)
    {
        try
        {
            var multi = Parse(raw);
            var error = new IsValidOp(multi).ValidationError;
            if (error is not null)
                return (null, $"is not a valid polygon by OGC rules: {error.Message} at ({Num(error.Coordinate.X)} {Num(error.Coordinate.Y)})");
            var area = EllipsoidArea.Hectares(multi);
            if (area <= 0) return (null, "encloses no area");
            return (new Shape(null, multi, area), null);
        }
        catch (Refused r)
        {
            return (null, r.Message);
        }
    }

    private static MultiPolygon Parse(JsonElement raw)
    {
        if (raw.ValueKind != JsonValueKind.Object)
            throw new Refused("must be a GeoJSON object {\"type\": \"Polygon\" or \"MultiPolygon\", \"coordinates\": [...]}");
        foreach (var p in raw.EnumerateObject())
        {
            if (p.Name == "crs")
                throw new Refused("has a crs member; none is accepted: coordinates are always CGCS2000 longitude/latitude (EPSG:4490)");
            if (p.Name is not ("type" or "coordinates" or "bbox"))
                throw new Refused($"has an unknown member '{Ingest.BatchParser.Clip(p.Name)}' (a geometry holds type and coordinates)");
        }
        if (!raw.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            throw new Refused("type is required: \"Polygon\" or \"MultiPolygon\"");
        var typeName = type.GetString();
        if (typeName is not ("Polygon" or "MultiPolygon"))
            throw new Refused($"is a {Ingest.BatchParser.Clip(typeName ?? "")}; it must be a Polygon or MultiPolygon");
        if (raw.TryGetProperty("bbox", out var bbox)
            && (bbox.ValueKind != JsonValueKind.Array || bbox.GetArrayLength() != 4 || bbox.EnumerateArray().Any(n => Number(n) is null)))
            throw new Refused("bbox must be [west, south, east, north]: four finite numbers");
        if (!raw.TryGetProperty("coordinates", out var coordinates) || coordinates.ValueKind != JsonValueKind.Array)
            throw new Refused("coordinates is required and must be an array");

        var budget = new int[1];
        if (typeName == "Polygon") return Factory.CreateMultiPolygon([Polygon(coordinates, "coordinates", budget)]);
        if (coordinates.GetArrayLength() == 0) throw new Refused("coordinates of a MultiPolygon must hold at least one polygon");
        var polygons = coordinates.EnumerateArray().Select((p, i) => Polygon(p, $"coordinates[{i}]", budget)).ToArray();
        return Factory.CreateMultiPolygon(polygons);
    }

    private static Polygon Polygon(JsonElement rings, string at, int[] budget)
    {
        if (rings.ValueKind != JsonValueKind.Array || rings.GetArrayLength() == 0)
            throw new Refused($"{at} must be an array of linear rings (the shell first, then any holes)");
        var read = rings.EnumerateArray().Select((r, i) => Ring(r, $"{at}[{i}]", budget)).ToArray();
        return Factory.CreatePolygon(read[0], read[1..]);
    }

    private static LinearRing Ring(JsonElement ring, string at, int[] budget)
    {
        if (ring.ValueKind != JsonValueKind.Array) throw new Refused($"{at} must be an array of positions");
        var n = ring.GetArrayLength();
        if (n < 4) throw new Refused($"{at} has {n} positions; a linear ring needs at least 4 (the last repeating the first)");
        budget[0] += n;
        if (budget[0] > MaxVertices) throw new Refused($"has more than {MaxVertices:N0} vertices");
        var coords = new Coordinate[n];
        var i = 0;
        foreach (var p in ring.EnumerateArray()) coords[i] = Position(p, at, i++);
        if (!coords[0].Equals2D(coords[^1]))
            throw new Refused($"{at} is not closed: its first position ({Num(coords[0].X)} {Num(coords[0].Y)}) differs from its last ({Num(coords[^1].X)} {Num(coords[^1].Y)})");
        return Factory.CreateLinearRing(coords);
    }

    /// <summary>Position <paramref name="index"/> of ring <paramref name="ring"/>; the path is only formatted for a refusal (a batch reads millions).</summary>
    private static Coordinate Position(JsonElement p, string ring, int index)
    {
        if (p.ValueKind != JsonValueKind.Array) throw new Refused($"{ring}[{index}] must be a position [longitude, latitude]");
        if (p.GetArrayLength() != 2)
            throw new Refused($"{ring}[{index}] has {p.GetArrayLength()} members; a position is exactly [longitude, latitude] (no height)");
        var lon = Number(p[0]) ?? throw new Refused($"{ring}[{index}][0] must be a finite number of degrees");
        var lat = Number(p[1]) ?? throw new Refused($"{ring}[{index}][1] must be a finite number of degrees");
        if (lon is < MinLon or > MaxLon || lat is < MinLat or > MaxLat)
            throw new Refused($"{ring}[{index}] ({Num(lon)} {Num(lat)}) lies outside longitude {MinLon}–{MaxLon}, latitude {MinLat}–{MaxLat} " +
                              "(CGCS2000 longitude first, in degrees)");
        return new Coordinate(lon, lat);
    }

    private static double? Number(JsonElement e) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out var d) && double.IsFinite(d) ? d : null;

    private static string Num(double d) => d.ToString("0.#########", CultureInfo.InvariantCulture);
}
