using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Spatial;
using NodaTime;

namespace Ledger.Demo;

/// <summary>
/// Geometry for the demo county 990101 (drawn, synthetically, near 113.5°E 34.5°N): red-line zone
/// RL90, a licence reaching into it with a mine footprint inside, permanent basic parcels with an
/// illegal occupation, and zone RL91 drawn in 2022 over an earlier footprint — so the map shows
/// every kind of overlap without any encroachment having been reported. Declared areas are the
/// geometry's own (parcels 90 % of it, net of 田坎).
/// </summary>
internal sealed class DemoMap(Func<string, string, string, LocalDate, JsonObject, JsonObject> makeEvent)
{
    private const string County = "990101";
    private const double Lon = 113.50, Lat = 34.50;

    public IEnumerable<JsonObject> Events(LocalDate inventory)
    {
        yield return Drawn("redline.zone-designated", $"{County}-RL90", inventory, Box(0, 0, 4, 3), "areaHa", 1m,
            new JsonObject { ["function"] = "water-conservation", ["approvalRef"] = "演示批〔2016〕9号" });
        yield return Drawn("mining.right-granted", $"C{County}-M90", inventory, Box(3.5, 1, 2, 1), "permittedAreaHa", 1m, new JsonObject
        {
            ["mineral"] = "limestone", ["validFrom"] = "2016-01-01", ["validTo"] = "2045-12-31",
        });
        yield return Drawn("mining.land-occupied", $"C{County}-M90", new LocalDate(2019, 4, 1), Box(3.6, 1.2, 0.3, 0.3), "areaHa", 1m,
            new JsonObject { ["priorUse"] = "forest" });
        for (var i = 0; i < 6; i++)
            yield return Drawn("farmland.parcel-registered", $"{County}-G{i + 1:00000}", inventory, Box(6 + i % 3 * 0.5, i / 3 * 0.5, 0.5, 0.5), "areaHa", 0.9m,
                new JsonObject { ["landType"] = "irrigated", ["qualityGrade"] = 4, ["permanentBasic"] = i % 2 == 0, ["origin"] = "baseline" });
        yield return Drawn("farmland.occupied", $"{County}-G00001", new LocalDate(2020, 7, 15), Box(6.1, 0.1, 0.1, 0.1), "areaHa", 1m,
            new JsonObject { ["purpose"] = "construction", ["legal"] = false });
        yield return Drawn("farmland.occupied", $"{County}-G00003", new LocalDate(2021, 3, 1), Box(7.2, 0.2, 0.1, 0.1), "areaHa", 1m,
            new JsonObject { ["purpose"] = "transport", ["legal"] = true, ["approvalRef"] = "演示批〔2021〕3号" });
        yield return Drawn("redline.zone-designated", $"{County}-RL91", new LocalDate(2022, 1, 1), Box(7, 0, 0.5, 0.5), "areaHa", 1m,
            new JsonObject { ["function"] = "biodiversity", ["approvalRef"] = "演示批〔2022〕1号" });
    }

    /// <summary>An event with its geometry and the area field set to <paramref name="share"/> of the geometry's area.</summary>
    private JsonObject Drawn(string type, string stream, LocalDate date, JsonObject geometry, string areaField, decimal share, JsonObject data)
    {
        var area = GeoJsonReader.Read(JsonDocument.Parse(geometry.ToJsonString()).RootElement).Shape!.AreaHa;
        data[areaField] = Math.Round(area * share, 4);
        data["geometry"] = geometry;
        return makeEvent(type, stream, County, date, data);
    }

    /// <summary>A box offset (x, y) hundredths of a degree from the county's corner, w × h hundredths in size.</summary>
    private static JsonObject Box(double x, double y, double w, double h)
    {
        var (w0, s0, e0, n0) = (Lon + x / 100, Lat + y / 100, Lon + (x + w) / 100, Lat + (y + h) / 100);
        JsonArray P(double lon, double lat) => new(Math.Round(lon, 6), Math.Round(lat, 6));
        return new JsonObject
        {
            ["type"] = "Polygon",
            ["coordinates"] = new JsonArray(new JsonArray(P(w0, s0), P(e0, s0), P(e0, n0), P(w0, n0), P(w0, s0))),
        };
    }
}
