using System.Text.Json.Nodes;
using Ledger.Tests.Support;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Hostile;

/// <summary>
/// Geometry bodies that must each be refused, naming the field: wrong types and shapes, bad
/// positions and ranges, OGC-invalid polygons, CRS members, oversize, geometry where none is
/// accepted, and declared areas that disagree with their geometry. Posted on the fixture of
/// <see cref="HostileInputTests"/> (a county with one stream of each kind).
/// </summary>
public static class GeometryHostileCorpus
{
    private const string Geometry = "events[0].data.geometry";
    private static readonly (double, double) A = (113.60, 34.70), B = (113.61, 34.70), C = (113.61, 34.71), D = (113.60, 34.71);

    private static JsonObject NewParcel() => Parcel("410102-H1", area: 1m);

    private static JsonNode Coords(params (double, double)[] ring) => new JsonArray(Geo.Ring(ring));

    private static JsonObject Poly(JsonNode? coordinates, string type = "Polygon") => new() { ["type"] = type, ["coordinates"] = coordinates };

    private static JsonArray Positions(params JsonNode?[] positions) => new(new JsonArray(positions));

    public static IEnumerable<(string Name, JsonObject Event, string Field)> Cases()
    {
        foreach (var (name, geometry) in Shapes()) yield return (name, NewParcel().With("data.geometry", geometry), Geometry);
        yield return ("geometry on farmland.converted", Make("farmland.converted", "410102-000001", County,
            new JsonObject { ["areaHa"] = 0.5m, ["to"] = "orchard", ["geometry"] = Geo.Cell(0, 0) }), Geometry);
        yield return ("geometry on water.use-reported", Make("water.use-reported", $"{County}-2024", County, new JsonObject
        {
            ["periodStart"] = "2024-01-01", ["periodEnd"] = "2024-03-31", ["volume"] = 1m, ["source"] = "ground", ["sector"] = "industry",
            ["geometry"] = Geo.Cell(0, 0),
        }, "2024-04-05"), Geometry);
        yield return ("geometry on tenure.started", Tenure("T-H1").With("data.geometry", Geo.Cell(0, 0)), Geometry);
        var cell = Geo.Cell(0, 0);
        var cellHa = Geo.AreaHa(cell);
        yield return ("parcel declared far above its boundary", NewParcel().With("data.geometry", cell.DeepClone()).With("data.areaHa", cellHa * 2), "events[0].data.areaHa");
        yield return ("parcel declared just above the tolerance", NewParcel().With("data.geometry", cell.DeepClone())
            .With("data.areaHa", Math.Round(cellHa * 1.006m + 0.02m, 4)), "events[0].data.areaHa");
        yield return ("zone declared below its boundary", Zone("410102-RL9", area: Math.Round(cellHa * 0.9m, 4)).With("data.geometry", cell.DeepClone()), "events[0].data.areaHa");
        yield return ("zone declared above its boundary", Zone("410102-RL9", area: Math.Round(cellHa * 1.1m, 4)).With("data.geometry", cell.DeepClone()), "events[0].data.areaHa");
        yield return ("licence permitted below its area", Mine("C410102-M9", permitted: 1m).With("data.geometry", cell.DeepClone()), "events[0].data.permittedAreaHa");
        yield return ("occupation larger than its footprint", Occupied(area: 9m).With("data.geometry", Geo.Cell(0, 0, 0.1, 0.1)), "events[0].data.areaHa");
        yield return ("mine footprint larger than drawn", Make("mining.land-occupied", "C410102-M1", County,
            new JsonObject { ["areaHa"] = 40m, ["priorUse"] = "forest", ["geometry"] = Geo.Cell(0, 0, 0.1, 0.1) }), "events[0].data.areaHa");
        yield return ("encroachment larger than drawn", Make("redline.encroachment-detected", "410102-RL01", County,
            new JsonObject { ["encroachmentId"] = "E9", ["areaHa"] = 50m, ["activity"] = "mining", ["geometry"] = Geo.Cell(0, 0, 0.1, 0.1) }), "events[0].data.areaHa");
    }

    private static IEnumerable<(string, JsonNode?)> Shapes()
    {
        yield return ("geometry is a number", 5);
        yield return ("geometry is WKT text", "POLYGON((113.6 34.7, 113.61 34.7, 113.61 34.71, 113.6 34.7))");
        yield return ("geometry is an array", Coords(A, B, C, A));
        yield return ("geometry is true", true);
        yield return ("geometry is an empty object", new JsonObject());
        yield return ("a Point", new JsonObject { ["type"] = "Point", ["coordinates"] = new JsonArray(113.6, 34.7) });
        yield return ("a LineString", new JsonObject { ["type"] = "LineString", ["coordinates"] = Geo.Ring(A, B, C) });
        yield return ("a MultiPoint", new JsonObject { ["type"] = "MultiPoint", ["coordinates"] = Geo.Ring(A, B) });
        yield return ("a GeometryCollection", new JsonObject { ["type"] = "GeometryCollection", ["geometries"] = new JsonArray(Geo.Cell(0, 0)) });
        yield return ("a Feature", new JsonObject { ["type"] = "Feature", ["geometry"] = Geo.Cell(0, 0), ["properties"] = new JsonObject() });
        yield return ("a FeatureCollection", new JsonObject { ["type"] = "FeatureCollection", ["features"] = new JsonArray() });
        yield return ("type in lower case", Poly(Coords(A, B, C, A), "polygon"));
        yield return ("type missing", new JsonObject { ["coordinates"] = Coords(A, B, C, A) });
        yield return ("type is a number", Poly(Coords(A, B, C, A)).With("type", 3));
        yield return ("coordinates missing", new JsonObject { ["type"] = "Polygon" });
        yield return ("coordinates null", Poly(null));
        yield return ("coordinates text", Poly("113.6,34.7"));
        yield return ("no rings", Poly(new JsonArray()));
        yield return ("an empty ring", Poly(new JsonArray(new JsonArray())));
        yield return ("a ring that is an object", Poly(new JsonArray(new JsonObject())));
        yield return ("a ring of three positions", Poly(Coords(A, B, A)));
        yield return ("an unclosed ring", Poly(Coords(A, B, C, D)));
        yield return ("a position of one number", Poly(Positions(new JsonArray(113.6), new JsonArray(113.61), new JsonArray(113.62), new JsonArray(113.6))));
        yield return ("positions with a height", Poly(Positions(new JsonArray(113.6, 34.7, 10), new JsonArray(113.61, 34.7, 10), new JsonArray(113.61, 34.71, 10), new JsonArray(113.6, 34.7, 10))));
        yield return ("positions of four numbers", Poly(Positions(new JsonArray(113.6, 34.7, 0, 0), new JsonArray(113.61, 34.7, 0, 0), new JsonArray(113.61, 34.71, 0, 0), new JsonArray(113.6, 34.7, 0, 0))));
        yield return ("positions as text", Poly(Positions(new JsonArray("113.6", "34.7"), new JsonArray("113.61", "34.7"), new JsonArray("113.61", "34.71"), new JsonArray("113.6", "34.7"))));
        yield return ("a null position", Poly(Positions(new JsonArray(113.6, 34.7), null, new JsonArray(113.61, 34.71), new JsonArray(113.6, 34.7))));
        yield return ("positions as objects", Poly(Positions(new JsonObject { ["lon"] = 113.6, ["lat"] = 34.7 }, new JsonObject(), new JsonObject(), new JsonObject())));
        yield return ("a position nested one level too deep", Poly(Positions(new JsonArray(new JsonArray(113.6, 34.7)), new JsonArray(113.61, 34.7), new JsonArray(113.61, 34.71), new JsonArray(113.6, 34.7))));
        yield return ("latitude first", Poly(Coords((34.70, 113.60), (34.70, 113.61), (34.71, 113.61), (34.70, 113.60))));
        yield return ("longitude west of 73", Poly(Coords((72.9, 34.7), (73.5, 34.7), (73.5, 35), (72.9, 34.7))));
        yield return ("longitude east of 136", Poly(Coords((135.5, 34.7), (136.1, 34.7), (136.1, 35), (135.5, 34.7))));
        yield return ("latitude south of 3", Poly(Coords((113.6, 2.9), (113.7, 2.9), (113.7, 3.5), (113.6, 2.9))));
        yield return ("latitude north of 54", Poly(Coords((120, 53.5), (120.5, 53.5), (120.5, 54.1), (120, 53.5))));
        yield return ("western longitudes", Poly(Coords((-113.6, 34.7), (-113.61, 34.7), (-113.61, 34.71), (-113.6, 34.7))));
        yield return ("web mercator metres", Poly(Coords((12645000, 4124000), (12646000, 4124000), (12646000, 4125000), (12645000, 4124000))));
        yield return ("a coordinate beyond double", Poly(Coords(A, B, C, A)).With("coordinates", JsonNode.Parse("[[[113.6,34.7],[1e999,34.7],[113.61,34.71],[113.6,34.7]]]")));
        yield return ("a coordinate below double", Poly(Coords(A, B, C, A)).With("coordinates", JsonNode.Parse("[[[113.6,34.7],[-1e400,34.7],[113.61,34.71],[113.6,34.7]]]")));
        yield return ("NaN as text", Poly(Positions(new JsonArray("NaN", 34.7), new JsonArray(113.61, 34.7), new JsonArray(113.61, 34.71), new JsonArray("NaN", 34.7))));
        yield return ("a bow tie", Poly(Coords(A, C, B, D, A)));
        yield return ("a ring touching itself", Poly(Coords((113.60, 34.70), (113.62, 34.70), (113.61, 34.71), (113.62, 34.72), (113.60, 34.72), (113.61, 34.71), (113.60, 34.70))));
        yield return ("a hole outside its shell", new JsonObject { ["type"] = "Polygon", ["coordinates"] = new JsonArray(Geo.Ring(A, B, C, D, A), Geo.Ring((113.7, 34.7), (113.71, 34.7), (113.71, 34.71), (113.7, 34.7))) });
        yield return ("a hole crossing its shell", new JsonObject { ["type"] = "Polygon", ["coordinates"] = new JsonArray(Geo.Ring(A, B, C, D, A), Geo.Ring((113.605, 34.705), (113.62, 34.705), (113.62, 34.708), (113.605, 34.705))) });
        yield return ("a hole equal to its shell", new JsonObject { ["type"] = "Polygon", ["coordinates"] = new JsonArray(Geo.Ring(A, B, C, D, A), Geo.Ring(A, B, C, D, A)) });
        yield return ("a hole of three positions", new JsonObject { ["type"] = "Polygon", ["coordinates"] = new JsonArray(Geo.Ring(A, B, C, D, A), Geo.Ring(A, B, A)) });
        yield return ("collinear points", Poly(Coords((113.60, 34.70), (113.61, 34.70), (113.62, 34.70), (113.60, 34.70))));
        yield return ("one point repeated", Poly(Coords(A, A, A, A)));
        yield return ("a spike", Poly(Coords(A, B, (113.63, 34.70), B, C, D, A)));
        yield return ("nested MultiPolygon shells", Poly(new JsonArray(Geo.Cell(0, 0, 4, 4)["coordinates"]!.DeepClone(), Geo.Cell(1, 1)["coordinates"]!.DeepClone()), "MultiPolygon"));
        yield return ("overlapping MultiPolygon parts", Poly(new JsonArray(Geo.Cell(0, 0, 2, 2)["coordinates"]!.DeepClone(), Geo.Cell(1, 1, 2, 2)["coordinates"]!.DeepClone()), "MultiPolygon"));
        yield return ("an invalid second polygon", Poly(new JsonArray(Geo.Cell(0, 0)["coordinates"]!.DeepClone(), new JsonArray(Geo.Ring((113.7, 34.7), (113.71, 34.71), (113.71, 34.7), (113.7, 34.71), (113.7, 34.7)))), "MultiPolygon"));
        yield return ("an empty MultiPolygon", Poly(new JsonArray(), "MultiPolygon"));
        yield return ("MultiPolygon with Polygon depth", Poly(Coords(A, B, C, A), "MultiPolygon"));
        yield return ("Polygon with MultiPolygon depth", Poly(new JsonArray(Coords(A, B, C, A)), "Polygon"));
        yield return ("a crs member for EPSG:4326", Poly(Coords(A, B, C, A)).With("crs", new JsonObject { ["type"] = "name", ["properties"] = new JsonObject { ["name"] = "EPSG:4326" } }));
        yield return ("a crs member for EPSG:4490", Poly(Coords(A, B, C, A)).With("crs", new JsonObject { ["type"] = "name", ["properties"] = new JsonObject { ["name"] = "EPSG:4490" } }));
        yield return ("a bbox that is text", Poly(Coords(A, B, C, A)).With("bbox", "everywhere"));
        yield return ("a bbox of three numbers", Poly(Coords(A, B, C, A)).With("bbox", new JsonArray(113.6, 34.7, 113.61)));
        yield return ("a properties member", Poly(Coords(A, B, C, A)).With("properties", new JsonObject()));
        yield return ("more than 100,000 vertices", Poly(new JsonArray(new JsonArray(
            [.. Enumerable.Range(0, 100_001).Select(i => (JsonNode)new JsonArray(Math.Round(113.6 + i * 1e-7, 7), 34.7 + i % 2 * 1e-5)), new JsonArray(113.6, 34.7)]))));
    }
}
