using System.Globalization;
using System.Text.Json.Nodes;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Regions;

/// <summary>
/// A random farmland history over three counties with up to three random successions among
/// seven county codes (upgrades, mergers, moves between the two prefectures, chains). Events
/// name the code their stream has on their date; an event dated after a succession is posted
/// after it, everything else before or (a late record) after. Amounts are folded in posting
/// order so the server must accept every event.
/// </summary>
public static class RandomLineage
{
    public static readonly string[] Original = ["410102", "410103", "410201"];
    public static readonly string[] Spare = ["410104", "410105", "410202", "410203"];
    public static string[] Counties => [.. Original, .. Spare];
    public static readonly string[] Regions = [.. Counties, "410100", "410200", "410000"];

    public sealed record Op(int Parcel, int Kind, int Percent, int Day);
    public sealed record Change(int From, int To, int Day, int Reason);
    public sealed record Succession(string Successor, string Predecessor, string Date);
    public sealed record History(JsonObject[] Before, JsonObject[] Successions, JsonObject[] After, IReadOnlyList<Succession> Applied);

    public static History Build(int parcels, IReadOnlyList<Op> ops, IReadOnlyList<Change> changes, bool lateRecords)
    {
        var setup = new List<JsonObject>
        {
            Region("410000", "province", "000000"), Region("410100", "prefecture", "410000"), Region("410200", "prefecture", "410000"),
        };
        setup.AddRange(Counties.Select(c => Region(c, "county", c[..4] + "00").With("effectiveDate", "2019-01-01")));
        var keys = Enumerable.Range(0, parcels).Select(i => $"{Original[i % 3]}-{i:000000}").ToArray();

        // Successions in date order, each from a code in use to any other code not retired.
        var retired = new Dictionary<string, (string To, DateOnly Date)>();
        var applied = new List<Succession>();
        foreach (var c in changes.OrderBy(c => c.Day))
        {
            var date = new DateOnly(2020, 1, 1).AddDays(c.Day % 2000);
            var from = Counties[c.From % Counties.Length];
            var to = Counties[c.To % Counties.Length];
            if (from == to || retired.ContainsKey(from) || retired.ContainsKey(to) || applied.Any(a => a.Date == D(date) && (a.Successor == from))) continue;
            retired[from] = (to, date);
            applied.Add(new Succession(to, from, D(date)));
        }
        string CodeAt(string code, DateOnly date)
        {
            while (retired.TryGetValue(code, out var r) && r.Date <= date) code = r.To;
            return code;
        }

        var planned = ops.Select(o => (Op: o, Date: new DateOnly(2019, 6, 1).AddDays(o.Day % 2450), Key: keys[o.Parcel % parcels])).ToList();
        var firstSuccession = applied.Count == 0 ? DateOnly.MaxValue : applied.Min(a => DateOnly.Parse(a.Date, CultureInfo.InvariantCulture));
        // Before the successions: what is dated before the first of them (some of it held back as late records).
        var early = planned.Where(p => p.Date < firstSuccession && !(lateRecords && p.Op.Percent % 3 == 0)).ToList();
        var later = planned.Except(early).ToList();

        var area = keys.ToDictionary(k => k, k => 10m + Array.IndexOf(keys, k) * 7.25m);
        var before = new List<JsonObject>(setup);
        before.AddRange(keys.Select(k => Parcel(k, area[k]).With("regionCode", k[..6]).With("effectiveDate", "2019-01-01")));
        before.AddRange(early.Select(p => Event(p.Op, p.Key, CodeAt(p.Key[..6], p.Date), p.Date, area)).OfType<JsonObject>());
        var after = later.Select(p => Event(p.Op, p.Key, CodeAt(p.Key[..6], p.Date), p.Date, area)).OfType<JsonObject>().ToArray();
        var successions = applied.Select(a => Make("region.succeeded", a.Successor, a.Successor,
            new JsonObject { ["predecessors"] = new JsonArray(a.Predecessor), ["reason"] = a.Successor[..4] == a.Predecessor[..4] ? "merger" : "transfer" },
            a.Date)).ToArray();
        return new History(before.ToArray(), successions, after, applied);
    }

    private static JsonObject? Event(Op op, string key, string region, DateOnly date, Dictionary<string, decimal> area)
    {
        var part = Math.Round(area[key] * op.Percent / 100m, 2, MidpointRounding.ToZero);
        switch (op.Kind % 3)
        {
            case 0 when part > 0:
                area[key] -= part;
                return Make("farmland.occupied", key, region, new JsonObject
                {
                    ["areaHa"] = part, ["purpose"] = "construction", ["legal"] = op.Percent % 2 == 0, ["approvalRef"] = "批",
                }, D(date));
            case 1 when part > 0:
                area[key] -= part;
                return Make("farmland.lost-to-disaster", key, region, new JsonObject { ["areaHa"] = part, ["disaster"] = "flood" }, D(date));
            case 2:
                area[key] += op.Percent / 10m;
                return Make("farmland.supplemented", key, region, new JsonObject { ["areaHa"] = op.Percent / 10m, ["method"] = "consolidation" }, D(date));
            default:
                return null;
        }
    }

    private static string D(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
