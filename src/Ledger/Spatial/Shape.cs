using System.Text.Json;
using NetTopologySuite.Geometries;

namespace Ledger.Spatial;

/// <summary>A posted geometry that passed every check: the GeoJSON as sent (kept in the event), the parsed multipolygon and its ellipsoidal area.</summary>
public sealed record Shape(JsonElement Json, MultiPolygon Geometry, decimal AreaHa)
{
    public int Vertices => Geometry.NumPoints;
}

/// <summary>An event type that may carry <c>data.geometry</c> (contract 1.1).</summary>
public interface IHasGeometry
{
    JsonElement? Geometry { get; }
}

/// <summary>A boundary as the projections hold it: the geometry and its ellipsoidal area.</summary>
public sealed record Boundary(MultiPolygon Geometry, decimal AreaHa);
