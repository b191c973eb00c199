using System.Text.Json.Nodes;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Hostile;

/// <summary>Succession bodies (contract 1.3) that must each be refused and change nothing, against the usual county fixture.</summary>
public static class HostileSuccessionCorpus
{
    /// <summary>410103 (registered, no records) merging into 410102: valid until mutated.</summary>
    private static JsonObject Merger(string date = "2025-01-01") =>
        Make("region.succeeded", County, County, new JsonObject { ["predecessors"] = new JsonArray("410103"), ["reason"] = "merger" }, date);

    public static IEnumerable<(string, JsonObject[])> Cases()
    {
        var predecessors = new JsonNode?[]
        {
            "410103", 410103, new JsonArray(), new JsonArray(new JsonArray("410103")), new JsonArray((JsonNode?)null), new JsonArray("４１０１０３"),
            new JsonArray("410103\n"), new JsonArray("000000"), new JsonArray("410103", "410103"), new JsonArray(410103), new JsonArray("41010"),
            new JsonArray(Enumerable.Range(0, 51).Select(i => (JsonNode)$"4101{i:00}").ToArray()), new JsonObject { ["code"] = "410103" },
            new JsonArray("41O103"), new JsonArray("410103 "),
        };
        foreach (var (value, i) in predecessors.Select((v, i) => (v, i)))
            yield return ($"succession predecessors = bad #{i}", [Merger().With("data.predecessors", value?.DeepClone())]);
        foreach (var (value, i) in new JsonNode?[] { null, "annexed", "Merger", 1, "merger\n" }.Select((v, i) => (v, i)))
            yield return ($"succession reason = bad #{i}", [Merger().With("data.reason", value?.DeepClone())]);
        var streams = new JsonNode?[]
        {
            new JsonArray(), new JsonArray("farmland:410102-000001"), new JsonArray("region/410103"), new JsonArray("unknown/x"),
            new JsonArray("farmland/"), new JsonArray(1), "farmland/410102-000001", new JsonArray("farmland/410102-000001\n"),
        };
        foreach (var (value, i) in streams.Select((v, i) => (v, i)))
            yield return ($"succession streams = bad #{i}", [Merger().With("data.reason", "split").With("data.streams", value?.DeepClone())]);
        yield return ("succession streams on a merger", [Merger().With("data.streams", new JsonArray("farmland/410102-000001"))]);
        yield return ("a region succeeding itself", [Merger().With("data.predecessors", new JsonArray(County))]);
        yield return ("a county succeeding a prefecture", [Merger().With("data.predecessors", new JsonArray(City))]);
        yield return ("an upgrade of two regions", [Merger().With("data.reason", "upgrade").With("data.predecessors", new JsonArray("410103", "410104"))]);
        yield return ("an unregistered successor", [Merger().With("stream", "410188").With("regionCode", "410188")]);
        yield return ("an unregistered predecessor", [Merger().With("data.predecessors", new JsonArray("410199"))]);
        yield return ("a predecessor with later records", [Make("region.succeeded", "410103", "410103",
            new JsonObject { ["predecessors"] = new JsonArray(County), ["reason"] = "merger" }, "2022-01-01")]);
        yield return ("a succession mixed with other events", [Merger(), Occupied(area: 0.5m)]);
        yield return ("a succession in the future", [Merger("2099-01-01")]);
        yield return ("a succession before the regions were registered", [Merger("2019-06-01")]);
        yield return ("a split with one successor", [Merger().With("data.reason", "split")]);
        yield return ("a succession's stream key not its region", [Merger().With("stream", "410103")]);
        yield return ("a succession of the nation", [Merger().With("data.predecessors", new JsonArray("410103")).With("regionCode", "000000").With("stream", "000000")]);
    }
}
