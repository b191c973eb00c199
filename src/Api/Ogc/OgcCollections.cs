using Ledger.Spatial;
using NodaTime;
using NodaTime.Text;

namespace Ledger.Api.Ogc;

/// <summary>The collections (contract 1.7: one per map layer) and how each is described (Part 1 7.14, Part 2 6.2).</summary>
public static class OgcCollections
{
    public static readonly IReadOnlyDictionary<string, (string Title, string Description)> All = new Dictionary<string, (string, string)>
    {
        [Layers.Farmland] = ("Farmland parcels (耕地图斑)", "Each farmland parcel's boundary in force; id = the parcel's stream key"),
        [Layers.PermanentBasic] = ("Permanent basic farmland (永久基本农田)", "Parcels while they hold permanent basic farmland, with the parcel's boundary; id = the parcel's stream key"),
        [Layers.RedLine] = ("Ecological red lines (生态保护红线)", "Each red-line zone's boundary in force; id = the zone's stream key"),
        [Layers.Mining] = ("Mining licences (矿区范围)", "Each licence's licensed area while open; id = the licence number"),
        [Layers.Footprints] = ("Footprints", "Occupied, encroached, mined and damaged land, one feature per event (in force from its date); id = the event id"),
        [Layers.Overlaps] = ("Overlaps the ledger found", "The shared area of a footprint or licensed area and a red line or permanent basic farmland; id = the overlap id"),
    };

    public const string Gregorian = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian";

    /// <summary>One collection's description; <paramref name="extent"/> is absent for a layer with nothing recorded yet.</summary>
    public static object Describe(HttpContext http, string code, string id, (BoundingBox? Box, LocalDate? First)? extent, DateTimeZone zone)
    {
        var root = OgcLinks.Root(http, code);
        var (title, description) = All[id];
        var described = new Dictionary<string, object?>
        {
            ["id"] = id, ["title"] = title, ["description"] = description, ["itemType"] = "feature",
            ["links"] = new[]
            {
                OgcLinks.Link(OgcLinks.WithView(http, $"{root}/collections/{id}"), "self", OgcResponse.Json, title),
                OgcLinks.Link(OgcLinks.WithView(http, $"{root}/collections/{id}/items"), "items", OgcResponse.GeoJson, $"{title}: features"),
            },
        };
        // A layer with nothing recorded has no extent (rather than a made-up one).
        if (extent is { Box: { } b, First: { } first })
            described["extent"] = new
            {
                spatial = new { bbox = new[] { new[] { b.West, b.South, b.East, b.North } }, crs = OgcCrs.Crs84 },
                // Valid time starts at the first effective date (the start of that day in China) and stays open: boundaries stay in force.
                temporal = new { interval = new[] { new[] { Start(first, zone), null } }, trs = Gregorian },
            };
        described["crs"] = OgcCrs.Supported;
        described["storageCrs"] = OgcCrs.Storage;
        return described;
    }

    private static string Start(LocalDate day, DateTimeZone zone) =>
        InstantPattern.ExtendedIso.Format(day.AtStartOfDayInZone(zone).ToInstant());
}
