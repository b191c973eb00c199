using System.Text.Json;
using Ledger.Spatial;
using NodaTime;

namespace Ledger.Events;

/// <summary>Well-formed data values of one posted event, already checked against the type's field specs.</summary>
public sealed class EventValues(string regionCode, LocalDate effectiveDate, IReadOnlyDictionary<string, object?> values)
{
    public string RegionCode { get; } = regionCode;
    public LocalDate EffectiveDate { get; } = effectiveDate;

    public decimal Decimal(string name) => (decimal)values[name]!;
    public decimal? OptionalDecimal(string name) => values.TryGetValue(name, out var v) ? (decimal?)v : null;
    public string Text(string name) => (string)values[name]!;
    public string? OptionalText(string name) => values.TryGetValue(name, out var v) ? (string?)v : null;
    public bool Bool(string name) => (bool)values[name]!;
    public int Integer(string name) => (int)values[name]!;
    public LocalDate Date(string name) => (LocalDate)values[name]!;
    public IReadOnlyList<string> List(string name) => (IReadOnlyList<string>)values[name]!;
    public IReadOnlyList<string>? OptionalList(string name) => values.TryGetValue(name, out var v) ? (IReadOnlyList<string>?)v : null;
    public Shape? Shape => values.TryGetValue("geometry", out var v) ? (Shape?)v : null;
    /// <summary>The geometry exactly as posted, kept in the event as evidence (as one string: <see cref="StoredGeometry"/>).</summary>
    public JsonElement? Geometry => Shape?.Stored;
    public Guid? OptionalUuid(string name) => values.TryGetValue(name, out var v) ? (Guid?)v : null;
}
