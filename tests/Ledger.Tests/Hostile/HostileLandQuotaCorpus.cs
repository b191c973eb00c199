using System.Text.Json.Nodes;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Hostile;

/// <summary>Land-quota bodies (contract 1.3) that must each be refused and change nothing, against the usual county fixture.</summary>
public static class HostileLandQuotaCorpus
{
    private static JsonObject Allocated(int year = 2025) =>
        Make("landquota.allocated", $"{County}-{year}", County,
            new JsonObject { ["year"] = year, ["farmlandOccupationHa"] = 10m, ["newConstructionHa"] = 5m, ["planRef"] = "计划" }, $"{year}-01-05");

    private static JsonObject Adjusted(JsonObject data, string stream = "410102-2025") =>
        Make("landquota.adjusted", stream, County, data, "2025-06-01");

    public static IEnumerable<(string, JsonObject)> Cases()
    {
        var numbers = new JsonNode?[] { 0, -1, -0.0001, 1e30, 1.00001, 1e-5, "1", true, new JsonArray(), 10_000_000_000m };
        foreach (var (value, i) in numbers.Select((v, i) => (v, i)))
        {
            yield return ($"land quota = bad #{i}", Allocated().With("data.farmlandOccupationHa", value?.DeepClone()));
            yield return ($"new construction quota = bad #{i}", Allocated().With("data.newConstructionHa", value?.DeepClone()));
        }
        foreach (var (value, i) in new JsonNode?[] { "2025", 2025.5, 1948, 2201, null }.Select((v, i) => (v, i)))
            yield return ($"land quota year = bad #{i}", Allocated().With("data.year", value?.DeepClone()));
        yield return ("land quota year not the key's", Allocated().With("data.year", 2024));
        yield return ("land quota key without a year", Allocated().With("stream", County));
        yield return ("land quota key of another region", Allocated().With("stream", "410103-2025"));
        yield return ("land quota key with fullwidth year", Allocated().With("stream", "410102-２０２５"));
        yield return ("land quota key with a final newline", Allocated().With("stream", "410102-2025\n"));
        yield return ("land quota for an unregistered region", Allocated().With("regionCode", "410188").With("stream", "410188-2025"));
        yield return ("land quota planRef missing", Allocated().With("data.planRef", null));
        yield return ("land quota planRef with a bidi override", Allocated().With("data.planRef", "计\u202E划"));
        yield return ("land quota unknown field", Allocated().With("data.quotaMu", 150));
        yield return ("land quota adjusted before allocation", Adjusted(new JsonObject { ["deltaFarmlandOccupationHa"] = 1m, ["approvalRef"] = "批" }));
        yield return ("land quota adjusted with no delta", Adjusted(new JsonObject { ["approvalRef"] = "批" }));
        yield return ("land quota adjusted by zero", Adjusted(new JsonObject { ["deltaNewConstructionHa"] = 0, ["approvalRef"] = "批" }));
        yield return ("land quota adjusted without approval", Adjusted(new JsonObject { ["deltaFarmlandOccupationHa"] = 1m }));
        yield return ("land quota delta as text", Adjusted(new JsonObject { ["deltaFarmlandOccupationHa"] = "1", ["approvalRef"] = "批" }));
    }
}
