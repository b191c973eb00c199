using System.Text.Json.Nodes;
using Ledger.Spatial;
using NetTopologySuite.IO;

namespace Ledger.Imports;

/// <summary>
/// A GeoPackage geometry blob (a header, an optional envelope, then WKB), checked by
/// <see cref="WkbScan"/> before NetTopologySuite reads it: its size, its declared counts and its
/// vertices are bounded before a single coordinate is allocated.
/// </summary>
public static class GeometryBlob
{
    /// <summary>The largest blob read: the vertex cap at four ordinates per vertex, plus headers.</summary>
    public const int MaxBytes = GeoJsonReader.MaxVertices * 32 + 64 * 1024;

    public static (JsonNode? Json, string? Problem) Read(GeoPackageGeoReader reader, byte[] blob)
    {
        if (WkbStart(blob) is not { } start) return (null, "has a geometry blob without a GeoPackage header");
        if (WkbScan.Problem(blob.AsSpan(start), GeoJsonReader.MaxVertices) is { } problem) return (null, problem);
        try
        {
            return NtsGeoJson.Write(reader.Read(blob));
        }
        catch (Exception e) when (e is ParseException or ArgumentException or IndexOutOfRangeException or InvalidOperationException or EndOfStreamException)
        {
            return (null, $"has a geometry that does not read: {Ingest.BatchParser.Clip(e.Message, 200)}");
        }
    }

    /// <summary>Where the WKB begins: after "GP", version, flags, srs_id and the envelope the flags announce.</summary>
    private static int? WkbStart(byte[] blob)
    {
        if (blob.Length < 8 || blob[0] != (byte)'G' || blob[1] != (byte)'P') return null;
        int? envelope = ((blob[3] >> 1) & 7) switch { 0 => 0, 1 => 32, 2 or 3 => 48, 4 => 64, _ => null };
        return envelope is { } e && 8 + e <= blob.Length ? 8 + e : null;
    }
}
