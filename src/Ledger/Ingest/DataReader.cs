using System.Text.Json;
using Ledger.Events;

namespace Ledger.Ingest;

/// <summary>Reads an event's <c>data</c> object field by field against its type's <see cref="FieldSpec"/>s.</summary>
internal static class DataReader
{
    public static Dictionary<string, object?>? Read(EventTypeSpec spec, JsonElement data, string at, List<ItemError> errors)
    {
        var before = errors.Count;
        var known = spec.Fields.Select(f => f.Name).ToHashSet();
        foreach (var p in data.EnumerateObject())
            if (!known.Contains(p.Name))
                errors.Add(new ItemError($"{at}.{BatchParser.Clip(p.Name)}", $"unknown field for {spec.Name}"));

        var values = new Dictionary<string, object?>();
        foreach (var field in spec.Fields)
        {
            if (!data.TryGetProperty(field.Name, out var raw) || raw.ValueKind == JsonValueKind.Null)
            {
                if (field.Required) errors.Add(new ItemError($"{at}.{field.Name}", "is required"));
                continue;
            }
            var (value, problem) = ReadValue(field, raw);
            if (problem is not null) errors.Add(new ItemError($"{at}.{field.Name}", problem));
            else values[field.Name] = value;
        }
        return errors.Count == before ? values : null;
    }

    public static string? OptionalText(JsonElement obj, string name, string at, List<ItemError> errors)
    {
        if (!obj.TryGetProperty(name, out var raw) || raw.ValueKind == JsonValueKind.Null) return null;
        var (value, problem) = ReadText(raw, identifier: false);
        if (problem is not null) errors.Add(new ItemError($"{at}.{name}", problem));
        return (string?)value;
    }

    private static (object?, string?) ReadValue(FieldSpec field, JsonElement raw) => field.Kind switch
    {
        FieldKind.Positive => ReadQuantity(raw, v => v > 0, "must be greater than 0"),
        FieldKind.NonNegative => ReadQuantity(raw, v => v >= 0, "must not be negative"),
        FieldKind.Delta => ReadQuantity(raw, v => v != 0, "must not be 0"),
        FieldKind.Text => ReadText(raw, field.Identifier),
        FieldKind.Bool => raw.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? (raw.GetBoolean(), null) : (null, "must be true or false"),
        FieldKind.Enum => raw.ValueKind == JsonValueKind.String && field.Values!.Contains(raw.GetString()!)
            ? (raw.GetString(), null) : (null, $"must be one of: {string.Join(", ", field.Values!)}"),
        FieldKind.Date => BatchParser.ParseDate(raw) is { } d
            ? d >= BatchParser.EarliestDate ? (d, null) : (null, $"must not be before {BatchParser.EarliestDate:yyyy-MM-dd}")
            : (null, "must be a date YYYY-MM-DD"),
        FieldKind.Integer => raw.ValueKind == JsonValueKind.Number && raw.TryGetInt32(out var i) && i >= field.Min && i <= field.Max
            ? (i, null) : (null, $"must be a whole number from {field.Min} to {field.Max}"),
        FieldKind.Uuid => raw.ValueKind == JsonValueKind.String && Guid.TryParseExact(raw.GetString(), "D", out var g)
            ? (g, null) : (null, "must be a UUID"),
        FieldKind.RegionCodeList => ListReader.Read(raw, field, ListReader.RegionCodeProblem),
        FieldKind.StreamList => ListReader.Read(raw, field, ListReader.StreamProblem),
        FieldKind.Geometry => Spatial.GeoJsonReader.ReadPosted(raw) is var (shape, problem) ? (shape, problem) : default,
        _ => throw new ArgumentOutOfRangeException(nameof(field), field.Kind, null),
    };

    private static (object?, string?) ReadQuantity(JsonElement raw, Func<decimal, bool> ok, string requirement)
    {
        if (raw.ValueKind != JsonValueKind.Number) return (null, "must be a number");
        if (!raw.TryGetDecimal(out var value) || Math.Abs(value) > FieldSpec.MaxQuantity)
            return (null, $"must be at most {FieldSpec.MaxQuantity:N0} in size");
        if (Scale(value) > FieldSpec.MaxScale)
            return (null, $"has more than {FieldSpec.MaxScale} decimal places");
        return ok(value) ? (value, null) : (null, requirement);
    }

    /// <summary>Decimal places that carry a digit: 2.50 has 1.</summary>
    internal static int Scale(decimal value)
    {
        var normalized = Quantities.Normalize(value);
        return (decimal.GetBits(normalized)[3] >> 16) & 0xFF;
    }

    private static (object?, string?) ReadText(JsonElement raw, bool identifier)
    {
        if (raw.ValueKind != JsonValueKind.String) return (null, "must be a string");
        string s;
        try
        {
            s = raw.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return (null, "must be valid Unicode text (it holds an unpaired surrogate escape)");
        }
        if (string.IsNullOrWhiteSpace(s)) return (null, "must not be blank");
        if (s.Length > FieldSpec.MaxTextLength) return (null, $"must be at most {FieldSpec.MaxTextLength} characters");
        var problem = identifier ? TextRules.IdentifierProblem(s) : TextRules.TextProblem(s);
        return problem is null ? (s, null) : (null, problem);
    }
}
