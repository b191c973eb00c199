using System.Buffers.Binary;

namespace Ledger.Imports;

/// <summary>
/// Walks a geometry's WKB without building anything, before any reader sees it. A reader sizes its
/// arrays by the counts the blob declares, so a few bytes declaring a billion points would take
/// gigabytes; here every count is checked against the bytes left and the vertices against the cap.
/// Takes ISO and EWKB type codes with Z and M; only polygons go further (the layers take areas).
/// </summary>
public static class WkbScan
{
    private const int Polygon = 3, MultiPolygon = 6;

    private static readonly string[] Names =
        ["Geometry", "Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon", "GeometryCollection"];

    /// <summary>Null when the WKB is a polygon or multipolygon of at most <paramref name="maxVertices"/> vertices whose counts fit its length; otherwise why not.</summary>
    public static string? Problem(ReadOnlySpan<byte> wkb, int maxVertices)
    {
        var at = 0;
        long vertices = 0;
        try
        {
            var (type, dims) = Header(wkb, ref at, out var little);
            if (type == Polygon) return PolygonBody(wkb, ref at, little, dims, ref vertices, maxVertices);
            if (type != MultiPolygon) return $"is a {(type < Names.Length ? Names[type] : $"WKB type {type}")}; the layer takes polygons";
            var parts = Count(wkb, ref at, little, 9);
            for (var i = 0; i < parts; i++)
            {
                var (partType, partDims) = Header(wkb, ref at, out var partLittle);
                if (partType != Polygon) return "is a MultiPolygon holding something other than polygons";
                if (PolygonBody(wkb, ref at, partLittle, partDims, ref vertices, maxVertices) is { } problem) return problem;
            }
            return null;
        }
        catch (FormatException e)
        {
            return $"has a geometry that does not read: {e.Message}";
        }
    }

    private static string? PolygonBody(ReadOnlySpan<byte> wkb, ref int at, bool little, int dims, ref long vertices, int maxVertices)
    {
        var rings = Count(wkb, ref at, little, 4);
        for (var r = 0; r < rings; r++)
        {
            var points = Count(wkb, ref at, little, 8 * dims);
            vertices += points;
            if (vertices > maxVertices) return $"has more than {maxVertices:N0} vertices";
            at += points * 8 * dims;
        }
        return null;
    }

    private static (int Type, int Dims) Header(ReadOnlySpan<byte> wkb, ref int at, out bool little)
    {
        if (wkb.Length - at < 5) throw new FormatException("the WKB ends inside a geometry header");
        little = wkb[at] switch { 1 => true, 0 => false, _ => throw new FormatException($"byte order {wkb[at]} is neither 0 nor 1") };
        var code = little ? BinaryPrimitives.ReadUInt32LittleEndian(wkb[(at + 1)..]) : BinaryPrimitives.ReadUInt32BigEndian(wkb[(at + 1)..]);
        at += 5;
        // EWKB: high bits flag Z, M and an SRID that follows the type.
        var (z, m, srid) = ((code & 0x80000000) != 0, (code & 0x40000000) != 0, (code & 0x20000000) != 0);
        code &= 0x0FFFFFFF;
        if (srid) at += 4;
        var iso = code / 1000;
        if (iso > 3) throw new FormatException($"WKB type {code} is not a geometry type");
        z |= iso is 1 or 3;
        m |= iso is 2 or 3;
        return ((int)(code % 1000), 2 + (z ? 1 : 0) + (m ? 1 : 0));
    }

    /// <summary>A count, refused unless that many items of at least <paramref name="minItemBytes"/> fit in what is left.</summary>
    private static int Count(ReadOnlySpan<byte> wkb, ref int at, bool little, int minItemBytes)
    {
        if (wkb.Length - at < 4) throw new FormatException("the WKB ends inside a count");
        var n = little ? BinaryPrimitives.ReadUInt32LittleEndian(wkb[at..]) : BinaryPrimitives.ReadUInt32BigEndian(wkb[at..]);
        at += 4;
        if (n > (ulong)(wkb.Length - at) / (ulong)minItemBytes)
            throw new FormatException($"it declares {n:N0} parts or points, more than its {wkb.Length:N0} bytes can hold");
        return (int)n;
    }
}
