using System.Text.Json;
using Ledger.Events;
using Ledger.Regions;

namespace Ledger.Ingest;

/// <summary>Reads the array fields: region codes (a succession's predecessors) and stream references (a split's allocation).</summary>
internal static class ListReader
{
    public static (object?, string?) Read(JsonElement raw, FieldSpec field, Func<string, string?> itemProblem)
    {
        if (raw.ValueKind != JsonValueKind.Array) return (null, "must be an array of strings");
        var count = raw.GetArrayLength();
        if (count < field.Min || count > field.Max)
            return (null, field.Min == field.Max ? $"must hold exactly {field.Min} item(s)" : $"must hold {field.Min} to {field.Max:N0} items");
        var items = new List<string>(count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var i = 0;
        foreach (var item in raw.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String) return (null, $"[{i}] must be a string");
            string s;
            try
            {
                s = item.GetString()!;
            }
            catch (InvalidOperationException)
            {
                return (null, $"[{i}] must be valid Unicode text (it holds an unpaired surrogate escape)");
            }
            if (itemProblem(s) is { } problem) return (null, $"[{i}] '{BatchParser.Clip(s)}' {problem}");
            if (!seen.Add(s)) return (null, $"[{i}] '{s}' is listed twice");
            items.Add(s);
            i++;
        }
        return (items, null);
    }

    public static string? RegionCodeProblem(string code) =>
        RegionCodes.IsWellFormed(code) && code != RegionCodes.Nation ? null : "is not a six-digit GB/T 2260 region code other than 000000";

    /// <summary>A stream as <c>domain/key</c>, of a domain that moves with its region (every domain but <c>region</c>).</summary>
    public static string? StreamProblem(string reference)
    {
        var slash = reference.IndexOf('/');
        if (slash <= 0) return "is not a stream reference domain/key, e.g. farmland/410122-000001";
        var (domain, key) = (reference[..slash], reference[(slash + 1)..]);
        if (domain == "region" || EventCatalog.RulesFor(domain) is null)
            return $"names no domain whose streams move with a region ({string.Join(", ", EventCatalog.Domains.Where(d => d != "region"))})";
        return EventCatalog.KeyShapeProblem(domain, key) is { } bad ? $"has a bad key: {bad}" : null;
    }
}
