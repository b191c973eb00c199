namespace Ledger.Events;

public enum FieldKind
{
    /// <summary>A strictly positive quantity (hectares or 10⁴ m³), at most 4 decimal places.</summary>
    Positive,
    /// <summary>A signed, non-zero quantity, at most 4 decimal places.</summary>
    Delta,
    /// <summary>A zero-or-positive quantity, at most 4 decimal places.</summary>
    NonNegative,
    Text,
    Bool,
    Enum,
    Date,
    Integer,
    Uuid,
    /// <summary>A JSON array of distinct six-digit region codes (not 000000), <see cref="FieldSpec.Min"/>..<see cref="FieldSpec.Max"/> of them.</summary>
    RegionCodeList,
    /// <summary>A JSON array of distinct stream references <c>domain/key</c> (no region streams), at most <see cref="FieldSpec.Max"/>.</summary>
    StreamList,
    /// <summary>A GeoJSON Polygon or MultiPolygon in CGCS2000 longitude/latitude (contract 1.1).</summary>
    Geometry,
}

/// <summary>
/// One field of an event type's <c>data</c>. The same specs drive input validation and the
/// OpenAPI schema, so the documentation cannot drift from what the server accepts.
/// </summary>
public sealed record FieldSpec(
    string Name,
    FieldKind Kind,
    bool Required,
    string Description,
    IReadOnlyList<string>? Values = null,
    int Min = 0,
    int Max = 0,
    bool Identifier = false)
{
    public const int MaxTextLength = 500;
    public const int MaxScale = 4;
    public const decimal MaxQuantity = 1_000_000_000m;

    public static FieldSpec Positive(string name, string description) => new(name, FieldKind.Positive, true, description);
    public static FieldSpec Delta(string name, string description) => new(name, FieldKind.Delta, true, description);
    public static FieldSpec NonNegative(string name, string description, bool required = true) =>
        new(name, FieldKind.NonNegative, required, description);
    public static FieldSpec Text(string name, string description, bool required = true) => new(name, FieldKind.Text, required, description);
    /// <summary>A name or identifier: text under <see cref="TextRules.IdentifierProblem"/> (nothing invisible, no white space at the ends).</summary>
    public static FieldSpec Id(string name, string description) => new(name, FieldKind.Text, true, description, Identifier: true);
    public static FieldSpec Bool(string name, string description) => new(name, FieldKind.Bool, true, description);
    public static FieldSpec Date(string name, string description) => new(name, FieldKind.Date, true, description);
    public static FieldSpec Uuid(string name, string description, bool required = true) => new(name, FieldKind.Uuid, required, description);
    public static FieldSpec Integer(string name, string description, int min, int max) =>
        new(name, FieldKind.Integer, true, description, Min: min, Max: max);
    public static FieldSpec CodeList(string name, string description, int min, int max) =>
        new(name, FieldKind.RegionCodeList, true, description, Min: min, Max: max);
    public static FieldSpec StreamList(string name, string description, int max) =>
        new(name, FieldKind.StreamList, false, description, Min: 1, Max: max);
    public static FieldSpec Geometry(string description) => new("geometry", FieldKind.Geometry, false, description);
    public static FieldSpec OneOf(string name, string description, params string[] values) =>
        new(name, FieldKind.Enum, true, description, values);
}
