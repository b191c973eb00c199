using System.Text.Json;

namespace Ledger.Audit.Departure;

/// <summary>Polygon rings in longitude/latitude (CGCS2000), for drawing: each ring a list of [lon, lat].</summary>
public sealed record Outline(IReadOnlyList<IReadOnlyList<double[]>> Rings)
{
    public static readonly Outline None = new([]);

    /// <summary>The rings of a GeoJSON Polygon or MultiPolygon (holes kept as rings; drawn even-odd).</summary>
    public static Outline FromGeoJson(string? geoJson)
    {
        if (string.IsNullOrEmpty(geoJson)) return None;
        using var doc = JsonDocument.Parse(geoJson);
        var root = doc.RootElement;
        var polygons = root.GetProperty("type").GetString() switch
        {
            "Polygon" => [root.GetProperty("coordinates")],
            "MultiPolygon" => root.GetProperty("coordinates").EnumerateArray().ToList(),
            _ => [],
        };
        return new Outline(polygons.SelectMany(p => p.EnumerateArray())
            .Select(ring => (IReadOnlyList<double[]>)ring.EnumerateArray().Select(c => new[] { c[0].GetDouble(), c[1].GetDouble() }).ToList())
            .ToList());
    }
}

/// <summary>
/// A small map of one overlap cited by a finding: the footprint (or licence), the protection
/// clipped to the footprint's neighbourhood, and their shared area — simplified for drawing
/// (the figures themselves come from the full geometries).
/// </summary>
public sealed record OverlapMap(Guid OverlapId, string Kind, string Layer, decimal AreaHa, string Footprint, string Protected,
    Outline FootprintShape, Outline ProtectedShape, Outline OverlapShape);
