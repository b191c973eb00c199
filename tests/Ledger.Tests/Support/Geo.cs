using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Spatial;

namespace Ledger.Tests.Support;

/// <summary>GeoJSON builders near the test county (郑州, about 113.6°E 34.7°N).</summary>
public static class Geo
{
    public const double Lon = 113.60, Lat = 34.70;

    /// <summary>A rectangle from (lon, lat), <paramref name="dLon"/> × <paramref name="dLat"/> degrees, counter-clockwise.</summary>
    public static JsonObject Box(double lon, double lat, double dLon, double dLat) =>
        Polygon((lon, lat), (lon + dLon, lat), (lon + dLon, lat + dLat), (lon, lat + dLat), (lon, lat));

    /// <summary>A box offset from the county's corner by (x, y) hundredths of a degree, w × h hundredths in size (1/100° ≈ 0.9–1.1 km).</summary>
    public static JsonObject Cell(double x, double y, double w = 1, double h = 1) => Box(Lon + x / 100, Lat + y / 100, w / 100, h / 100);

    public static JsonObject Polygon(params (double Lon, double Lat)[] ring) => new()
    {
        ["type"] = "Polygon",
        ["coordinates"] = new JsonArray(Ring(ring)),
    };

    public static JsonArray Ring(params (double Lon, double Lat)[] ring) =>
        new(ring.Select(p => (JsonNode)new JsonArray(p.Lon, p.Lat)).ToArray());

    /// <summary>A ring of <paramref name="vertices"/> points on an ellipse around (lon, lat): a parcel-like boundary.</summary>
    public static JsonObject Round(double lon, double lat, double radius, int vertices) => Polygon(
        [.. Enumerable.Range(0, vertices).Select(i => (lon + radius * Math.Cos(2 * Math.PI * i / vertices), lat + radius * 0.8 * Math.Sin(2 * Math.PI * i / vertices))),
         (lon + radius, lat)]);

    /// <summary>The ledger's ellipsoidal area of a geometry, to declare a matching area in a scenario.</summary>
    public static decimal AreaHa(JsonObject geometry) =>
        GeoJsonReader.Read(JsonDocument.Parse(geometry.ToJsonString()).RootElement).Shape!.AreaHa;

    /// <summary>An event with this geometry and, where it declares an area, the geometry's own area.</summary>
    public static JsonObject Drawn(this JsonObject e, JsonObject geometry, string areaField = "areaHa") =>
        e.With("data.geometry", geometry.DeepClone()).With($"data.{areaField}", AreaHa(geometry));
}
