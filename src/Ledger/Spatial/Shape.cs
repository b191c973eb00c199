using System.Text.Json;
using NetTopologySuite.Geometries;

namespace Ledger.Spatial;

/// <summary>
/// A geometry that passed every check: the parsed multipolygon, its ellipsoidal area and, when it was
/// posted (<see cref="GeoJsonReader.ReadPosted"/>), the form its event keeps it in (<see cref="StoredGeometry"/>:
/// the GeoJSON as sent, as one string).
/// </summary>
public sealed record Shape(JsonElement? Stored, MultiPolygon Geometry, decimal AreaHa)
{
    public int Vertices => Geometry.NumPoints;
}

/// <summary>An event type that may carry <c>data.geometry</c> (contract 1.1).</summary>
public interface IHasGeometry
{
    /// <summary>As stored: a string holding the GeoJSON (events since decision 72) or the GeoJSON object (older ones); <see cref="StoredGeometry.AsGeoJson"/> reads both.</summary>
    JsonElement? Geometry { get; }
}

/// <summary>A boundary as the projections hold it: the geometry and its ellipsoidal area.</summary>
public sealed record Boundary(MultiPolygon Geometry, decimal AreaHa);
