using Ledger.Imports;
using System.Text.Json.Nodes;
using Ledger.Spatial;

namespace Ledger.Api.OpenApi;

/// <summary>Contract 1.1 in the document: the geometry field's schema, the overlaps and map paths.</summary>
public static partial class LedgerOpenApi
{
    private static JsonObject GeometrySchema()
    {
        JsonObject Numbers(int depth)
        {
            JsonObject position = new()
            {
                ["type"] = "array", ["minItems"] = 2, ["maxItems"] = 2,
                ["prefixItems"] = new JsonArray(
                    new JsonObject { ["type"] = "number", ["minimum"] = GeoJsonReader.MinLon, ["maximum"] = GeoJsonReader.MaxLon, ["description"] = "longitude" },
                    new JsonObject { ["type"] = "number", ["minimum"] = GeoJsonReader.MinLat, ["maximum"] = GeoJsonReader.MaxLat, ["description"] = "latitude" }),
            };
            var s = position;
            for (var i = 0; i < depth; i++) s = new JsonObject { ["type"] = "array", ["minItems"] = i == 0 ? 4 : 1, ["items"] = s };
            return s;
        }
        JsonObject Variant(string type, int depth) => Obj(new JsonObject
        {
            ["type"] = new JsonObject { ["const"] = type },
            ["coordinates"] = Numbers(depth),
            ["bbox"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "number" } },
        }, ["type", "coordinates"]);
        return new JsonObject
        {
            ["oneOf"] = new JsonArray(Variant("Polygon", 2), Variant("MultiPolygon", 3)),
            ["x-max-vertices"] = GeoJsonReader.MaxVertices,
        };
    }

    private static JsonObject WithMapPaths(JsonObject paths)
    {
        var code = PathParameter("code", "Six-digit GB/T 2260 code; 000000 = the nation");
        paths["/api/v1/regions/{code}/overlaps"] = new JsonObject
        {
            ["get"] = Op("Overlaps the ledger found between footprints or licensed areas and red lines or permanent basic farmland, with both events as evidence; bitemporal (auditor, investigator)",
                parameters: new JsonArray(code.DeepClone(), QueryParameter("from", "date", "Overlaps effective on or after this date (default: all)"),
                    QueryParameter("to", "date", "Overlaps effective on or before this date (default: all)"),
                    QueryParameter("knownAt", "date-time", "As known at this instant (default: now)")),
                responses: Responses(("200", "{region, knownAt, overlaps:[{id, kind (occupation/licence/pre-existing), layer (redline/permanentBasic), areaHa, effectiveDate, footprint:{domain, stream, eventId}, protected:{domain, stream, eventId}}]}", null),
                    ("400", "Invalid parameters", "Problem"), ("403", "Outside scope (decided first)", "Problem"), ("404", "Unknown region", "Problem"),
                    ("422", "More overlaps than LEDGER_MAP_MAX_FEATURES: narrow with from/to or a smaller region", "Problem"), Busy, TimedOut)),
        };
        paths["/api/v1/regions/{code}/map"] = new JsonObject
        {
            ["get"] = Op("The region's map as a GeoJSON FeatureCollection (application/geo+json); each feature's properties carry layer, domain, stream, version, areaHa (auditor, investigator)",
                parameters: new JsonArray(code.DeepClone(),
                    QueryParameter("layers", "string", $"Comma-separated: {string.Join(", ", Layers.Map)} (default: all)"),
                    QueryParameter("asOf", "date", "Boundaries and footprints in force on this date (default: today, Asia/Shanghai)"),
                    QueryParameter("knownAt", "date-time", "As known at this instant (default: now)"),
                    QueryParameter("bbox", "string", "west,south,east,north in degrees: only features whose bounding box meets it")),
                responses: Responses(("200", "GeoJSON FeatureCollection", null), ("400", "Invalid parameters", "Problem"),
                    ("403", "Outside scope (decided first)", "Problem"), ("404", "Unknown region", "Problem"),
                    ("422", "More features than LEDGER_MAP_MAX_FEATURES (default 20,000, all layers and databases together) or more than LEDGER_MAP_MAX_MB: " +
                            "the problem says how many and how to narrow (bbox, fewer layers, a smaller region)", "Problem"), Busy, TimedOut)),
        };
        paths["/api/v1/regions/{code}/export.gpkg"] = new JsonObject
        {
            ["get"] = Op("The map's layers as a GeoPackage 1.3 (application/geopackage+sqlite3), one table per layer in EPSG:4490, the map's properties as columns " +
                         "(Chinese aliases in gpkg_data_columns); same parameters and bounds as /map (auditor, investigator)",
                parameters: new JsonArray(code.DeepClone(),
                    QueryParameter("layers", "string", $"Comma-separated: {string.Join(", ", Layers.Map)} (default: all); one table each, in this order"),
                    QueryParameter("asOf", "date", "Boundaries and footprints in force on this date (default: today, Asia/Shanghai)"),
                    QueryParameter("knownAt", "date-time", "As known at this instant (default: now)"),
                    QueryParameter("bbox", "string", "Extension: west,south,east,north in degrees: only features whose bounding box meets it")),
                responses: Responses(("200", "The GeoPackage file (Content-Disposition: attachment)", null), ("400", "Invalid parameters", "Problem"),
                    ("403", "Outside scope (decided first)", "Problem"), ("404", "Unknown region", "Problem"),
                    ("422", "More features than LEDGER_MAP_MAX_FEATURES or more geometry than LEDGER_MAP_MAX_MB: the problem says how to narrow", "Problem"), Busy, TimedOut)),
        };
        paths["/api/v1/regions/{code}/tiles/{z}/{x}/{y}.mvt"] = new JsonObject
        {
            ["get"] = Op("The map's layers as a Mapbox vector tile (application/vnd.mapbox-vector-tile; Web Mercator z/x/y, for drawing only); one tile layer per map layer (auditor, investigator)",
                parameters: new JsonArray(code.DeepClone(), PathParameter("z", "Zoom 0–22"), PathParameter("x", "Column 0 – 2^z−1"), PathParameter("y", "Row 0 – 2^z−1"),
                    QueryParameter("layers", "string", $"Comma-separated: {string.Join(", ", Layers.Map)} (default: all)"),
                    QueryParameter("asOf", "date", "Boundaries and footprints in force on this date (default: today, Asia/Shanghai)"),
                    QueryParameter("knownAt", "date-time", "As known at this instant (default: now)")),
                responses: Responses(("200", "The tile", null), ("204", "Nothing in the tile", null), ("400", "Invalid parameters", "Problem"),
                    ("403", "Outside scope (decided first)", "Problem"), ("404", "Unknown region", "Problem"), Busy, TimedOut)),
        };
        paths["/api/v1/imports"] = new JsonObject
        {
            ["post"] = WithBody(Op("Import a survey layer (writer): multipart/form-data with file (GeoPackage, a zip holding a Shapefile or a FileGDB, or GeoJSON; " +
                          "CGCS2000 longitude/latitude), layer (farmland/redline/mining), effectiveDate and optional mapping JSON; runs as a queued job",
                responses: Responses(("202", "{importId, status: queued, links:{self}}; Location: /api/v1/imports/{id}", null),
                    ("400", "A field, the mapping or the file refused (what and why)", "Problem"), ("403", "Not a writer", "Problem"),
                    ("413", "Larger than LEDGER_IMPORT_MAX_MB (default 256)", "Problem"), ("415", "Not multipart/form-data", "Problem"),
                    ("503", "The node's uploads in flight or scratch space are at their limit (LEDGER_UPLOADS_IN_FLIGHT, LEDGER_SCRATCH_MAX_MB, " +
                            "LEDGER_SCRATCH_MIN_FREE_MB); nothing stored, Retry-After says when to send it again", "Problem"))), new JsonObject
                    {
                        ["required"] = true,
                        ["content"] = new JsonObject
                        {
                            ["multipart/form-data"] = new JsonObject
                            {
                                ["schema"] = new JsonObject
                                {
                                    ["type"] = "object", ["required"] = new JsonArray("file", "layer", "effectiveDate"),
                                    ["properties"] = new JsonObject
                                    {
                                        ["file"] = new JsonObject { ["type"] = "string", ["format"] = "binary" },
                                        ["layer"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray(ImportMapping.Layers.Select(l => (JsonNode)l).ToArray()) },
                                        ["effectiveDate"] = new JsonObject { ["type"] = "string", ["format"] = "date" },
                                        ["mapping"] = new JsonObject
                                        {
                                            ["type"] = "string",
                                            ["description"] = "JSON object: per field an attribute name, or {\"value\": …} for every feature; farmland defaults to the 三调 fields " +
                                                              "(key BSM, region ZLDWDM, landClass DLBM, area TBDLMJ in m²) and needs qualityGrade; areaUnit m2 or ha",
                                        },
                                    },
                                },
                            },
                        },
                    }),
        };
        paths["/api/v1/imports/{id}"] = new JsonObject
        {
            ["get"] = Op("An import's progress (writer, auditor, investigator within the import's scope)",
                parameters: new JsonArray(PathParameter("id", "The import id (UUID)"),
                    QueryParameter("waitSeconds", "int32", "1–60: an unfinished import's answer waits for its next progress row, at most this long (default 0: at once)"),
                    QueryParameter("rejectedFrom", "int32", $"0–{ImportStore.MaxKeptRejections:N0}: the first kept rejection listed (default 0)"),
                    QueryParameter("rejectedLimit", "int32", $"0–{ImportStore.MaxKeptRejections:N0}: how many kept rejections to list (default 100)")),
                responses: Responses(("200", ImportStatusShape, null),
                    ("400", "Not a UUID, or a parameter out of range", "Problem"), ("404", "No such import in the caller's scope", "Problem"))),
            ["delete"] = Op("Cancel an unfinished import (the writer who uploaded it, or an admin whose scope holds it); what it appended stays",
                parameters: new JsonArray(PathParameter("id", "The import id (UUID)")),
                responses: Responses(("200", "The import's status, now cancelled", null), ("403", "Not its writer nor an admin", "Problem"),
                    ("404", "No such import in the caller's scope", "Problem"), ("409", "The import has already ended (done, failed or cancelled)", "Problem"))),
        };
        return paths;
    }

    private static readonly (string, string, string?) Busy =
        ("429", "The key already has LEDGER_MAP_CONCURRENCY map reads running and more waiting; Retry-After", "Problem");

    private static readonly (string, string, string?) TimedOut =
        ("503", "The read ran longer than LEDGER_MAP_TIMEOUT_SECONDS (default 10) and was stopped; Retry-After, or narrow it", "Problem");

    private static readonly string ImportStatusShape =
        "{importId, status (queued/running/done/failed/cancelled), layer, fileName, featuresTotal, featuresRead, appended, duplicates, skipped, " +
        $"rejectedCount (exact), rejected:[{{feature, reasons}}] (a page of the first {ImportStore.MaxKeptRejections:N0} kept, reasons clipped), message, createdAt, updatedAt}}";

    internal static JsonObject WithBody(JsonObject op, JsonObject requestBody)
    {
        op["requestBody"] = requestBody;
        return op;
    }
}
