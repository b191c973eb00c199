using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Events;
using Ledger.Storage;
using Npgsql;

namespace Ledger.Flows;

/// <summary>One stream-state document that is not what a replay of its stream gives.</summary>
public sealed record StateDifference(string Table, string StreamId, string What);

/// <summary>
/// Compares the stored stream-state documents (what the ingest rules read) with replayed
/// states. The flow check and verify both use it, so both mean the same by "differs".
/// </summary>
public static class StateDocuments
{
    public static string TableOf(Type stateType) => $"mt_doc_{stateType.Name.ToLowerInvariant()}";

    /// <summary>
    /// Reports every document that differs from its replayed state or has no stream, and every
    /// replayed stream without a document; streams <paramref name="skip"/> names are left out.
    /// </summary>
    public static async Task CompareAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, IReadOnlyDictionary<string, IStreamState> replayed,
        Func<string, bool> skip, Action<StateDifference> differs, CancellationToken ct)
    {
        var seen = new HashSet<string>();
        foreach (var rules in EventCatalog.Rules)
        {
            var table = TableOf(rules.StateType);
            await using var cmd = new NpgsqlCommand($"select id, data::text from {LedgerStore.Schema}.{table} order by id", conn, tx);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var id = r.GetString(0);
                seen.Add(id);
                if (skip(id)) continue;
                var what = Compare(r.GetString(1), replayed.GetValueOrDefault(id), rules.StateType);
                if (what is not null) differs(new StateDifference(table, id, what));
            }
        }
        foreach (var (id, state) in replayed)
            if (!seen.Contains(id) && !skip(id))
                differs(new StateDifference(TableOf(state.GetType()), id, $"no document; a replay gives version {state.Version}"));
    }

    private static string? Compare(string storedJson, IStreamState? expected, Type stateType)
    {
        if (expected is null) return "a document for a stream that has no events";
        string stored;
        try
        {
            // Read and written back the same way as the replayed state, so only values count, not spacing or key order.
            stored = JsonSerializer.Serialize(JsonSerializer.Deserialize(storedJson, stateType, EventReplay.Json), stateType, EventReplay.Json);
        }
        catch (JsonException e)
        {
            return $"the stored document cannot be read: {e.Message}";
        }
        var replayed = JsonSerializer.Serialize(expected, stateType, EventReplay.Json);
        if (stored == replayed) return null;
        // Numbers compare by value (7 and 7.0 are the same area), as PostgreSQL compares the flow rows.
        var (a, b) = (JsonNode.Parse(stored)!.AsObject(), JsonNode.Parse(replayed)!.AsObject());
        return JsonNode.DeepEquals(a, b) ? null : FirstDifference(a, b);
    }

    /// <summary>The first field that differs, e.g. <c>areaHa: stored 999, a replay gives 7</c>.</summary>
    private static string FirstDifference(JsonObject a, JsonObject b)
    {
        var fields = a.Select(p => p.Key).Union(b.Select(p => p.Key))
            .Where(k => !JsonNode.DeepEquals(a[k], b[k])).ToList();
        if (fields.Count == 0) return "differs";
        var first = fields[0];
        var more = fields.Count > 1 ? $" (and {fields.Count - 1} more field{(fields.Count > 2 ? "s" : "")})" : "";
        return $"{first}: stored {Text(a[first])}, a replay gives {Text(b[first])}{more}";
    }

    private static string Text(JsonNode? n) => n?.ToJsonString(Readable) ?? "(none)";

    // Names and places are read by people: keep them as written rather than as \u escapes.
    private static readonly JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
