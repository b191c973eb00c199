using System.Text.Json.Nodes;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Hostile;

/// <summary>
/// Seeded random batches for the long hostile run: valid events with one to three fields
/// replaced by values known to be invalid for that field, and valid events riding along (the
/// batch is atomic, so nothing of it may be stored).
/// </summary>
public static class RandomHostileCorpus
{
    private static readonly JsonNode?[] NotAQuantity = [0, -1, -0.0001, 1e30, 1.00001, "1", true, new JsonArray(), new JsonObject()];
    private static readonly JsonNode?[] NotText = ["", " ", 1, true, new JsonArray(), "\u0007", new string('x', 501)];
    private static readonly JsonNode?[] NotADate = ["2023-02-29", "2024-13-01", "24-01-01", "2024-01-01T00:00:00Z", 20240101, "", "1900-01-01"];
    private static readonly JsonNode?[] NotAnId = ["x", "", 1, Guid.Empty.ToString(), Guid.NewGuid().ToString("N"), new JsonArray()];
    private static readonly JsonNode?[] NotARegion = ["4101", "41010x", "000000", 410102, "", "419999"];

    private static readonly (Func<JsonObject> Make, (string Path, JsonNode?[] Bad)[] Fields)[] Templates =
    [
        (() => Occupied(area: 0.1m), [("data.areaHa", NotAQuantity), ("data.purpose", NotText), ("data.legal", ["yes", 1, null]),
            ("data.approvalRef", NotText), ("effectiveDate", NotADate), ("eventId", NotAnId), ("regionCode", NotARegion), ("type", NotText)]),
        (() => Zone($"410102-RL{Guid.NewGuid():N}"[..20]), [("data.areaHa", NotAQuantity), ("data.function", NotText), ("data.approvalRef", NotText),
            ("stream", ["", "a b", "../x", new string('k', 65), 7])]),
        (() => Quota(2025), [("data.totalQuota", NotAQuantity), ("data.year", [2024, 1800, "2025", 2025.5]), ("stream", ["410102-25", "410103-2025"])]),
        (() => Mine($"C-{Guid.NewGuid():N}"[..12]), [("data.permittedAreaHa", NotAQuantity), ("data.validFrom", NotADate), ("data.validTo", NotADate),
            ("data.mineral", NotText)]),
    ];

    public static IEnumerable<(string Name, byte[] Body)> Cases(int count, int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < count; i++)
        {
            var (make, fields) = Templates[random.Next(Templates.Length)];
            var bad = make();
            var changed = new List<string>();
            for (var m = 0; m < random.Next(1, 4); m++)
            {
                var (path, values) = fields[random.Next(fields.Length)];
                var value = values[random.Next(values.Length)];
                bad = bad.With(path, value?.DeepClone() ?? JsonValue.Create((string?)null));
                changed.Add($"{path}={value?.ToJsonString() ?? "null"}");
            }
            var batch = Enumerable.Range(0, random.Next(0, 4)).Select(_ => Occupied(area: 0.01m)).ToList();
            batch.Insert(random.Next(batch.Count + 1), bad);
            yield return ($"#{i} {string.Join(", ", changed)}", HostileCorpus.Body([.. batch]));
        }
    }
}
