using System.Text.Json;
using Ledger.Ingest;

namespace Ledger.Imports;

/// <summary>Where an event field comes from: a feature attribute (by name) or a value given once for the whole layer.</summary>
public sealed record FieldSource(string? Attribute, JsonElement? Value)
{
    public static FieldSource Of(string attribute) => new(attribute, null);

    public static FieldSource Constant<T>(T value) => new(null, JsonSerializer.SerializeToElement(value));

    public override string ToString() => Attribute is not null ? $"attribute {Attribute}" : $"value {Value}";
}

/// <summary>
/// How a layer's features become events (contract 1.1 imports). Every target has a default
/// where the survey's own layer has one — for farmland the 三调 地类图斑 fields (BSM, DLBM,
/// TBDLMJ in m², ZLDWDM) — and a posted <c>mapping</c> JSON overrides any of them: a string
/// names the attribute, <c>{"value": …}</c> gives one value for every feature.
/// </summary>
public sealed record ImportMapping(string Layer, IReadOnlyDictionary<string, FieldSource> Fields, string AreaUnit)
{
    public static readonly string[] Layers = ["farmland", "landuse", "redline", "mining"];

    /// <summary>The targets each layer fills: the stream key, the region, the area (when absent: the geometry's own area) and the event's other fields.</summary>
    public static IReadOnlyList<string> Targets(string layer) => layer switch
    {
        "farmland" or "landuse" => ["key", "region", "landClass", "area", "qualityGrade", "permanentBasic", "origin"],
        "redline" => ["key", "region", "area", "function", "approvalRef"],
        "mining" => ["key", "region", "area", "mineral", "validFrom", "validTo"],
        _ => [],
    };

    private static Dictionary<string, FieldSource> Defaults(string layer) => layer switch
    {
        "farmland" or "landuse" => new()
        {
            ["key"] = FieldSource.Of("BSM"), ["region"] = FieldSource.Of("ZLDWDM"), ["landClass"] = FieldSource.Of("DLBM"),
            ["area"] = FieldSource.Of("TBDLMJ"), ["permanentBasic"] = FieldSource.Constant(false), ["origin"] = FieldSource.Constant("baseline"),
        },
        "redline" => new() { ["function"] = FieldSource.Constant("other") },
        _ => new(),
    };

    /// <summary>Fields a layer cannot do without and has no default for (each named in the 400).</summary>
    private static IReadOnlyList<string> Required(string layer) => layer switch
    {
        "farmland" => ["key", "region", "landClass", "area", "qualityGrade"],
        // A 地类图斑 layer of every class: farmland's quality grade is needed only by its farmland features (each refused without one).
        "landuse" => ["key", "region", "landClass", "area"],
        "redline" => ["key", "region", "approvalRef"],
        "mining" => ["key", "region", "mineral", "validFrom", "validTo"],
        _ => [],
    };

    /// <summary>The layer's mapping: its defaults overridden by <paramref name="mapping"/>; 400-style errors naming <c>mapping.…</c>.</summary>
    public static (ImportMapping? Mapping, List<ItemError> Errors) Parse(string layer, string? mapping)
    {
        var errors = new List<ItemError>();
        if (!Layers.Contains(layer))
            return (null, [new ItemError("layer", $"must be one of {string.Join(", ", Layers)}")]);
        var fields = Defaults(layer);
        var unit = layer is "farmland" or "landuse" ? "m2" : "ha";
        if (!string.IsNullOrWhiteSpace(mapping))
        {
            JsonDocument doc;
            try { doc = JsonDocument.Parse(mapping); }
            catch (JsonException e) { return (null, [new ItemError("mapping", $"is not valid JSON: {e.Message}")]); }
            using var _ = doc;
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                return (null, [new ItemError("mapping", "must be a JSON object naming the fields, e.g. {\"key\":\"BSM\"}")]);
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                var at = $"mapping.{p.Name}";
                if (p.Name == "areaUnit")
                {
                    if (p.Value.ValueKind == JsonValueKind.String && p.Value.GetString() is "m2" or "ha") unit = p.Value.GetString()!;
                    else errors.Add(new ItemError(at, "must be \"m2\" or \"ha\""));
                }
                else if (!Targets(layer).Contains(p.Name))
                    errors.Add(new ItemError(at, $"is not a field of a {layer} import; the fields are {string.Join(", ", Targets(layer))} and areaUnit"));
                else if (p.Value.ValueKind == JsonValueKind.String && p.Value.GetString() is { Length: > 0 and <= 64 } name)
                    fields[p.Name] = FieldSource.Of(name);
                else if (p.Value.ValueKind == JsonValueKind.Object && p.Value.TryGetProperty("value", out var value)
                         && p.Value.EnumerateObject().Count() == 1 && p.Name is not ("key" or "area"))
                    fields[p.Name] = new FieldSource(null, value.Clone());
                else
                    errors.Add(new ItemError(at, p.Name is "key" or "area"
                        ? "must name an attribute (a string of 1 to 64 characters)"
                        : "must name an attribute (a string of 1 to 64 characters) or give one value as {\"value\": …}"));
            }
        }
        foreach (var missing in Required(layer).Where(r => !fields.ContainsKey(r)))
            errors.Add(new ItemError($"mapping.{missing}", $"is required for a {layer} import: name the attribute that holds it, or give {{\"value\": …}}"));
        return errors.Count > 0 ? (null, errors) : (new ImportMapping(layer, fields, unit), errors);
    }

    /// <summary>The attributes this mapping reads, to check against the layer's schema before anything is stored.</summary>
    public IEnumerable<(string Target, string Attribute)> Attributes =>
        Fields.Where(f => f.Value.Attribute is not null).Select(f => (f.Key, f.Value.Attribute!));
}
