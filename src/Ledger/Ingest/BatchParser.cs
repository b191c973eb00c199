using System.Text.Json;
using Ledger.Events;
using Ledger.Regions;
using NodaTime;
using NodaTime.Text;

namespace Ledger.Ingest;

/// <summary>
/// Turns the JSON body of <c>POST /api/v1/events</c> into well-formed events, or into a list
/// of every shape problem, each naming its item and field. Unknown fields are refused so a
/// misspelt field is never silently dropped from evidence.
/// </summary>
public static class BatchParser
{
    public const int MaxEvents = 1000;

    private static readonly HashSet<string> EnvelopeFields =
        ["eventId", "type", "stream", "regionCode", "effectiveDate", "expectedVersion", "data", "source"];
    private static readonly HashSet<string> SourceFields = ["documentRef", "note"];
    /// <summary>No date in the ledger, effective or in data, may precede the founding of the PRC.</summary>
    internal static readonly LocalDate EarliestDate = new(1949, 10, 1);

    public sealed record Outcome(IReadOnlyList<IncomingEvent> Events, IReadOnlyList<ItemError> Errors, bool TooMany);

    public static Outcome Parse(JsonElement root)
    {
        var errors = new List<ItemError>();
        if (root.ValueKind != JsonValueKind.Object)
            return Fail("$", "the body must be a JSON object {\"events\": [...]}");
        foreach (var p in root.EnumerateObject())
            if (p.Name != "events") errors.Add(new ItemError(p.Name, "unknown field"));
        if (!root.TryGetProperty("events", out var list) || list.ValueKind != JsonValueKind.Array)
            return Fail("events", "is required and must be an array");
        var count = list.GetArrayLength();
        if (count == 0) return Fail("events", "must hold at least one event");
        if (count > MaxEvents) return new Outcome([], [new ItemError("events", $"holds {count} events; at most {MaxEvents} per batch")], true);

        var items = ParseItems(list.EnumerateArray());
        return new Outcome(items.Events, [.. errors, .. items.Errors], false);

        Outcome Fail(string field, string message) => new([], [new ItemError(field, message)], false);
    }

    /// <summary>
    /// The events of a batch, numbered from 0 in the order given (errors name <c>events[i]</c>).
    /// The bulk endpoint calls this with the lines of one chunk.
    /// </summary>
    public static Outcome ParseItems(IEnumerable<JsonElement> items)
    {
        var errors = new List<ItemError>();
        var events = new List<IncomingEvent>();
        var seen = new Dictionary<Guid, int>();
        var index = 0;
        foreach (var item in items)
        {
            var itemErrors = new List<ItemError>();
            var parsed = ParseItem(item, index, itemErrors);
            if (parsed is not null && !seen.TryAdd(parsed.EventId, index))
                itemErrors.Add(new ItemError($"events[{index}].eventId", $"repeats the eventId of events[{seen[parsed.EventId]}]"));
            if (itemErrors.Count == 0 && parsed is not null) events.Add(parsed);
            errors.AddRange(itemErrors);
            index++;
        }
        errors.AddRange(MixedSuccession(events));
        return new Outcome(events, errors, false);
    }

    /// <summary>Whether an item is a <c>region.succeeded</c>, which a batch may not mix with other types.</summary>
    public static bool IsSuccession(JsonElement item) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String
        && t.ValueEquals("region.succeeded");

    /// <summary>
    /// Successions change which code every later event must name, and Marten numbers a batch's
    /// events stream by stream, not in batch order: so a batch with a succession holds nothing else.
    /// </summary>
    private static IEnumerable<ItemError> MixedSuccession(List<IncomingEvent> events)
    {
        if (!events.Any(e => e.Event is RegionSucceeded)) yield break;
        foreach (var e in events.Where(e => e.Event is not RegionSucceeded))
            yield return new ItemError($"events[{e.Index}].type",
                "a batch holding region.succeeded holds only region.succeeded events: post the other events in a batch of their own");
    }

    private static IncomingEvent? ParseItem(JsonElement item, int index, List<ItemError> errors)
    {
        var at = $"events[{index}]";
        if (item.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new ItemError(at, "must be an object"));
            return null;
        }
        foreach (var p in item.EnumerateObject())
            if (!EnvelopeFields.Contains(p.Name)) errors.Add(new ItemError($"{at}.{p.Name}", "unknown field"));

        var eventId = Required(item, "eventId", at, errors,
            e => e.ValueKind == JsonValueKind.String && Guid.TryParseExact(e.GetString(), "D", out var g) && g != Guid.Empty ? g : (Guid?)null,
            "must be a UUID such as 0b5e0c8e-4b7a-4c7e-9a55-0f0c1e7d2a11");
        var typeName = RequiredString(item, "type", at, errors);
        var spec = typeName is null ? null : EventCatalog.Find(typeName);
        if (typeName is not null && spec is null)
            errors.Add(new ItemError($"{at}.type", $"unknown event type '{Clip(typeName)}'"));
        var stream = RequiredString(item, "stream", at, errors);
        var region = RequiredString(item, "regionCode", at, errors);
        if (region is not null && (!RegionCodes.IsWellFormed(region) || region == RegionCodes.Nation))
        {
            errors.Add(new ItemError($"{at}.regionCode", "must be a six-digit GB/T 2260 region code other than 000000"));
            region = null;
        }
        var date = Required(item, "effectiveDate", at, errors, ParseDate, "must be a date YYYY-MM-DD");
        if (date is { } d && d < EarliestDate)
            errors.Add(new ItemError($"{at}.effectiveDate", $"must not be before {EarliestDate:yyyy-MM-dd}"));
        long? expectedVersion = null;
        if (item.TryGetProperty("expectedVersion", out var ev) && ev.ValueKind != JsonValueKind.Null)
        {
            if (ev.ValueKind == JsonValueKind.Number && ev.TryGetInt64(out var v) && v >= 0) expectedVersion = v;
            else errors.Add(new ItemError($"{at}.expectedVersion", "must be a whole number ≥ 0"));
        }
        var (documentRef, note) = ParseSource(item, at, errors);

        // A new stream's key must carry its region; an existing stream's region is checked against
        // its state (it may have moved to a successor code), not against its key.
        if (spec is not null && stream is not null && region is not null)
        {
            var problem = spec.CreatesStream || spec.Domain == "region"
                ? EventCatalog.CheckStreamKey(spec.Domain, stream, region)
                : EventCatalog.KeyShapeProblem(spec.Domain, stream);
            if (problem is not null) errors.Add(new ItemError($"{at}.stream", problem));
        }

        if (!item.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new ItemError($"{at}.data", "is required and must be an object"));
            return null;
        }
        if (spec is null) return null;
        var values = DataReader.Read(spec, data, $"{at}.data", errors);
        if (errors.Count > 0 || eventId is null || stream is null || region is null || date is null || values is null) return null;

        var eventValues = new EventValues(region, date.Value, values);
        foreach (var (field, message) in spec.Check?.Invoke(eventValues) ?? [])
            errors.Add(new ItemError($"{at}.data.{field}", message));
        if (spec.Domain is ("water" or "landquota") && values.TryGetValue("year", out var year) && !stream.EndsWith($"-{year}", StringComparison.Ordinal))
            errors.Add(new ItemError($"{at}.data.year", $"must match the year in the stream key {stream}"));
        if (errors.Count > 0) return null;

        return new IncomingEvent(index, eventId.Value, spec, stream, region, date.Value, expectedVersion,
            spec.Build(eventValues), documentRef, note, ContentHash.Of(item), eventValues.Shape);
    }

    private static (string?, string?) ParseSource(JsonElement item, string at, List<ItemError> errors)
    {
        if (!item.TryGetProperty("source", out var source) || source.ValueKind == JsonValueKind.Null) return (null, null);
        if (source.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new ItemError($"{at}.source", "must be an object with documentRef and/or note"));
            return (null, null);
        }
        foreach (var p in source.EnumerateObject())
            if (!SourceFields.Contains(p.Name)) errors.Add(new ItemError($"{at}.source.{p.Name}", "unknown field"));
        return (DataReader.OptionalText(source, "documentRef", $"{at}.source", errors),
            DataReader.OptionalText(source, "note", $"{at}.source", errors));
    }

    internal static LocalDate? ParseDate(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.String) return null;
        var r = LocalDatePattern.Iso.Parse(e.GetString()!);
        return r.Success && e.GetString()!.Length == 10 ? r.Value : null;
    }

    private static string? RequiredString(JsonElement item, string name, string at, List<ItemError> errors) =>
        Required(item, name, at, errors, e => e.ValueKind == JsonValueKind.String && e.GetString()!.Length > 0 ? e.GetString() : null,
            "must be a non-empty string");

    private static T? Required<T>(JsonElement item, string name, string at, List<ItemError> errors,
        Func<JsonElement, T?> read, string expectation)
    {
        if (!item.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            errors.Add(new ItemError($"{at}.{name}", "is required"));
            return default;
        }
        T? result;
        try
        {
            result = read(value);
        }
        catch (InvalidOperationException)
        {
            errors.Add(new ItemError($"{at}.{name}", "must be valid Unicode text (it holds an unpaired surrogate escape)"));
            return default;
        }
        if (result is null) errors.Add(new ItemError($"{at}.{name}", expectation));
        return result;
    }

    /// <summary>Echoing client input in an error, at most 60 characters of it.</summary>
    public static string Clip(string s, int max = 60) => s.Length <= max ? s : s[..max] + "…";
}
