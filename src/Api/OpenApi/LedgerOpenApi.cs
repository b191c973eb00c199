using System.Text.Json.Nodes;
using Ledger.Events;

namespace Ledger.Api.OpenApi;

/// <summary>
/// The OpenAPI 3.1 document, built from the same event catalog the parser validates against,
/// so every event type's <c>data</c> is described exactly as it is accepted.
/// </summary>
public static partial class LedgerOpenApi
{
    private static readonly Lazy<string> Cached = new(() => Build().ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));

    public static string Document() => Cached.Value;

    private static JsonObject Build()
    {
        var schemas = new JsonObject
        {
            ["Problem"] = Obj(new JsonObject
            {
                ["type"] = Str(), ["title"] = Str(), ["status"] = Int(), ["detail"] = Str(), ["instance"] = Str(), ["requestId"] = Str(),
                ["errors"] = new JsonObject
                {
                    ["type"] = "array",
                    ["items"] = Obj(new JsonObject { ["field"] = Str("e.g. events[3].data.areaHa"), ["message"] = Str() }),
                },
            }),
        };
        var variants = new JsonArray();
        foreach (var spec in EventCatalog.Types)
        {
            var name = SchemaName(spec);
            schemas[name + "Data"] = DataSchema(spec);
            schemas[name] = EventSchema(spec, name + "Data");
            variants.Add(new JsonObject { ["$ref"] = $"#/components/schemas/{name}" });
        }
        schemas["Event"] = new JsonObject
        {
            ["oneOf"] = variants,
            ["discriminator"] = new JsonObject
            {
                ["propertyName"] = "type",
                ["mapping"] = new JsonObject(EventCatalog.Types.Select(t =>
                    KeyValuePair.Create(t.Name, (JsonNode?)JsonValue.Create($"#/components/schemas/{SchemaName(t)}")))),
            },
        };

        return new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject
            {
                ["title"] = "Land-resource ledger API", ["version"] = "v1",
                ["description"] = "Natural-resource asset ledger: farmland, ecological red lines, mining land and water quotas as immutable events.",
            },
            ["components"] = new JsonObject
            {
                ["schemas"] = schemas,
                ["securitySchemes"] = new JsonObject
                {
                    ["apiKey"] = new JsonObject { ["type"] = "apiKey", ["in"] = "header", ["name"] = "X-Api-Key" },
                    // Contract 1.7: desktop GIS clients send Basic, not custom headers.
                    ["basicAuth"] = new JsonObject { ["type"] = "http", ["scheme"] = "basic", ["description"] = "The API key as the password; the user name is ignored" },
                },
            },
            ["security"] = new JsonArray(new JsonObject { ["apiKey"] = new JsonArray() }, new JsonObject { ["basicAuth"] = new JsonArray() }),
            ["paths"] = WithOgcPaths(WithEvidencePaths(WithMapPaths(Paths()))),
        };
    }

    private static JsonObject DataSchema(EventTypeSpec spec)
    {
        var properties = new JsonObject();
        foreach (var f in spec.Fields) properties[f.Name] = FieldSchema(f);
        var schema = Obj(properties, spec.Fields.Where(f => f.Required).Select(f => f.Name));
        schema["description"] = spec.Description;
        return schema;
    }

    private static JsonObject EventSchema(EventTypeSpec spec, string dataSchema) => Obj(new JsonObject
    {
        ["eventId"] = Str("Client-chosen UUID; the idempotency key", "uuid"),
        ["type"] = new JsonObject { ["const"] = spec.Name },
        ["stream"] = Str($"Key of the {spec.Domain} stream"),
        ["regionCode"] = Str("Six-digit GB/T 2260 region code"),
        ["effectiveDate"] = Str("When it happened in the world (not in the future)", "date"),
        ["expectedVersion"] = new JsonObject { ["type"] = "integer", ["minimum"] = 0, ["description"] = "Optimistic concurrency: the stream's version before this event (0 = must not exist)" },
        ["data"] = new JsonObject { ["$ref"] = $"#/components/schemas/{dataSchema}" },
        ["source"] = Obj(new JsonObject { ["documentRef"] = Str(), ["note"] = Str() }),
    }, ["eventId", "type", "stream", "regionCode", "effectiveDate", "data"]);

    private static JsonObject FieldSchema(FieldSpec f)
    {
        var s = f.Kind switch
        {
            FieldKind.Positive => new JsonObject { ["type"] = "number", ["exclusiveMinimum"] = 0, ["maximum"] = FieldSpec.MaxQuantity, ["multipleOf"] = 0.0001 },
            FieldKind.NonNegative => new JsonObject { ["type"] = "number", ["minimum"] = 0, ["maximum"] = FieldSpec.MaxQuantity, ["multipleOf"] = 0.0001 },
            FieldKind.Delta => new JsonObject { ["type"] = "number", ["not"] = new JsonObject { ["const"] = 0 }, ["multipleOf"] = 0.0001 },
            FieldKind.Text => new JsonObject { ["type"] = "string", ["minLength"] = 1, ["maxLength"] = FieldSpec.MaxTextLength },
            FieldKind.Bool => new JsonObject { ["type"] = "boolean" },
            FieldKind.Enum => new JsonObject { ["type"] = "string", ["enum"] = new JsonArray(f.Values!.Select(v => (JsonNode)v).ToArray()) },
            FieldKind.Date => Str(null, "date"),
            FieldKind.Integer => new JsonObject { ["type"] = "integer", ["minimum"] = f.Min, ["maximum"] = f.Max },
            FieldKind.Uuid => Str(null, "uuid"),
            FieldKind.RegionCodeList => new JsonObject
            {
                ["type"] = "array", ["minItems"] = f.Min, ["maxItems"] = f.Max, ["uniqueItems"] = true,
                ["items"] = new JsonObject { ["type"] = "string", ["pattern"] = "^[0-9]{6}$" },
            },
            FieldKind.StreamList => new JsonObject
            {
                ["type"] = "array", ["minItems"] = f.Min, ["maxItems"] = f.Max, ["uniqueItems"] = true,
                ["items"] = Str("A stream as domain/key, e.g. farmland/410122-000001"),
            },
            FieldKind.Geometry => GeometrySchema(),
            _ => throw new ArgumentOutOfRangeException(nameof(f)),
        };
        s["description"] = f.Description;
        return s;
    }

    private static string SchemaName(EventTypeSpec spec) =>
        string.Concat(spec.Name.Split('.', '-').Select(p => char.ToUpperInvariant(p[0]) + p[1..]));

    internal static JsonObject Obj(JsonObject properties, IEnumerable<string>? required = null)
    {
        var o = new JsonObject { ["type"] = "object", ["additionalProperties"] = false, ["properties"] = properties };
        if (required?.ToArray() is { Length: > 0 } r) o["required"] = new JsonArray(r.Select(x => (JsonNode)x).ToArray());
        return o;
    }

    internal static JsonObject Str(string? description = null, string? format = null)
    {
        var o = new JsonObject { ["type"] = "string" };
        if (format is not null) o["format"] = format;
        if (description is not null) o["description"] = description;
        return o;
    }

    internal static JsonObject Int() => new() { ["type"] = "integer" };
}
