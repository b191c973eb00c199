using System.Text.Json.Nodes;
using Ledger.Api.Ogc;
using Ledger.Spatial;

namespace Ledger.Api.OpenApi;

/// <summary>
/// Contract 1.7 in the document: the OGC API – Features resources with every parameter they take
/// (the service refuses any other, so this list is what a client may send) and the page-size maximum.
/// </summary>
public static partial class LedgerOpenApi
{
    private static JsonObject WithOgcPaths(JsonObject paths)
    {
        const string Root = OgcEndpoints.Root;
        var view = new[] { Code(), Format(), Datetime(), KnownAt() };
        JsonObject[] feature = [.. view, Crs("crs", "The CRS of the answer's coordinates (default CRS84, longitude first; EPSG:4490 is latitude first). Content-Crs names it")];
        var collection = PathParameter("collectionId", $"One of: {string.Join(", ", Layers.Map)}");
        collection["schema"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray(Layers.Map.Select(l => (JsonNode)l).ToArray()) };
        JsonObject[] items =
        [
            .. feature, collection,
            new JsonObject
            {
                ["name"] = "limit", ["in"] = "query", ["required"] = false, ["style"] = "form", ["explode"] = false,
                ["description"] = $"Features on one page (default {OgcParameters.DefaultLimit}); larger values are served as {OgcParameters.MaxLimit:N0}; a page may also end " +
                                  "early at LEDGER_MAP_MAX_MB of GeoJSON. Follow the next link for more; 'unlimited' is refused",
                ["schema"] = new JsonObject { ["type"] = "integer", ["minimum"] = 1, ["maximum"] = OgcParameters.MaxLimit, ["default"] = OgcParameters.DefaultLimit },
            },
            new JsonObject
            {
                ["name"] = "bbox", ["in"] = "query", ["required"] = false, ["style"] = "form", ["explode"] = false,
                ["description"] = "Features whose geometry intersects the box: lower-left and upper-right corners in bbox-crs's axis order " +
                                  "(CRS84: west,south,east,north); six numbers carry heights, which are ignored",
                ["schema"] = new JsonObject
                {
                    ["type"] = "array", ["minItems"] = 4, ["maxItems"] = 6, ["items"] = new JsonObject { ["type"] = "number" },
                },
            },
            Crs("bbox-crs", "The CRS of bbox (default CRS84; EPSG:4490 is latitude first: south,west,north,east)"),
            new JsonObject
            {
                ["name"] = "after", ["in"] = "query", ["required"] = false,
                ["description"] = "Vendor parameter the next links carry: the features after this feature id (pages are in feature-id order)",
                ["schema"] = new JsonObject { ["type"] = "string", ["minLength"] = 1, ["maxLength"] = OgcParameters.MaxAfterLength },
            },
            new JsonObject
            {
                ["name"] = "knownThrough", ["in"] = "query", ["required"] = false,
                ["description"] = "Vendor parameter the next links carry: per database, the chain position the first page was read through " +
                                  "(catalogue:1234[,shard:56]), so a batch that took its recorded instant before knownAt but committed later stays off later pages",
                ["schema"] = new JsonObject { ["type"] = "string", ["pattern"] = "^[^:,]+:[0-9]+(,[^:,]+:[0-9]+)*$" },
            },
        ];
        var problems = new[] { ("400", "A parameter is malformed or not one this resource takes (each named)", (string?)"Problem"),
            ("401", "No or unknown key", "Problem"), ("403", "Not an auditor or investigator, or outside scope (decided first)", "Problem"),
            ("404", "Unknown region, collection or feature", "Problem") };

        paths[Root] = GetHead("OGC API – Features landing page of a region's map layers (auditor, investigator)", view, problems);
        paths[Root + "/conformance"] = GetHead("The conformance classes: Part 1 core and geojson, Part 2 crs", view, problems);
        paths[Root + "/collections"] = GetHead("The collections (one per map layer) with spatial and temporal extents, crs lists and storageCrs", view,
            [.. problems, Busy, TimedOut]);
        paths[Root + "/collections/{collectionId}"] = GetHead("One collection's description", [.. view, collection], [.. problems, Busy, TimedOut]);
        paths[Root + "/collections/{collectionId}/items"] = GetHead(
            "A page of the collection's features as GeoJSON (application/geo+json), with exact numberMatched and numberReturned, and a next link that " +
            "carries every parameter and pins knownAt (and datetime when not given), so pages stay stable while events arrive", items,
            [.. problems, Busy, TimedOut]);
        paths[Root + "/collections/{collectionId}/items/{featureId}"] = GetHead(
            "One feature: a stream's boundary by stream key, a footprint by event id, an overlap by overlap id", [.. feature, collection,
                PathParameter("featureId", "The feature's id")], [.. problems, Busy, TimedOut]);
        return paths;
    }

    private static JsonObject GetHead(string summary, JsonObject[] parameters, (string, string, string?)[] problems)
    {
        JsonObject Operation(string method) => Op(method == "head" ? $"{summary} (headers only)" : summary,
            parameters: new JsonArray(parameters.Select(p => (JsonNode)p.DeepClone()).ToArray()),
            responses: Responses([("200", "The resource (JSON; GeoJSON for features)", null), .. problems]));
        return new JsonObject { ["get"] = Operation("get"), ["head"] = Operation("head") };
    }

    private static JsonObject Code() => PathParameter("code", "Six-digit GB/T 2260 code; 000000 = the nation");

    private static JsonObject Format() => new()
    {
        ["name"] = "f", ["in"] = "query", ["required"] = false, ["description"] = "The format: JSON only (geojson is accepted as the same for features)",
        ["schema"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray("json", "geojson") },
    };

    private static JsonObject Datetime() => new()
    {
        ["name"] = "datetime", ["in"] = "query", ["required"] = false, ["style"] = "form", ["explode"] = false,
        ["description"] = "Valid time, in days of Asia/Shanghai: an instant or date gives what was in force that day; an interval start/end (either end " +
                          ".. or empty; a start in year 0000 is open) gives each stream's last version in force within it. Default: today. " +
                          $"Format: {OgcDatetime.Format}",
        ["schema"] = Str(),
    };

    private static JsonObject KnownAt() =>
        QueryParameter("knownAt", "date-time", "Vendor parameter: as known at this UTC instant (default: now)");

    private static JsonObject Crs(string name, string description) => new()
    {
        ["name"] = name, ["in"] = "query", ["required"] = false, ["description"] = description,
        ["schema"] = new JsonObject
        {
            ["type"] = "string", ["format"] = "uri", ["default"] = OgcCrs.Crs84,
            ["enum"] = new JsonArray(OgcCrs.Supported.Select(c => (JsonNode)c).ToArray()),
        },
    };
}
