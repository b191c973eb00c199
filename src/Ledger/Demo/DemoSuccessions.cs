using System.Text.Json.Nodes;
using NodaTime;

namespace Ledger.Demo;

/// <summary>
/// Region history in the demo (contract 1.3): county 990151 becomes district 990181 on
/// 2021-01-01 (an upgrade; its parcels go on under the new code), which moves to prefecture 9902
/// as 990281 on 2024-01-01 (a transfer, seen on both prefectures' sheets and nowhere above).
/// Generated last, so every earlier demo event is unchanged for the seed; the codes lie beyond
/// the generated counties (…01–…50), and a demo of one prefecture has no move.
/// </summary>
public sealed partial class DemoLedger
{
    public const string SucceededCounty = "990151";
    public const string District = "990181";
    public const string MovedDistrict = "990281";

    private IEnumerable<JsonObject> Successions()
    {
        var inventory = Inventory;
        yield return Region(SucceededCounty, "演示县1-51 (synthetic, upgraded 2021)", "county", "990100", inventory);
        var parcels = Enumerable.Range(1, 3).Select(i => $"{SucceededCounty}-{i:000000}").ToList();
        foreach (var key in parcels)
            yield return Event("farmland.parcel-registered", key, SucceededCounty, inventory, new JsonObject
            {
                ["areaHa"] = Area(60, 200), ["landType"] = "irrigated", ["qualityGrade"] = 4, ["permanentBasic"] = false, ["origin"] = "baseline",
            });
        yield return Event("farmland.occupied", parcels[0], SucceededCounty, new LocalDate(2018, 5, 10),
            new JsonObject { ["areaHa"] = 3.5m, ["purpose"] = "construction", ["legal"] = true, ["approvalRef"] = "演示批〔2018〕5号" });
        yield return Quota(SucceededCounty, 2018, 5m);
        yield return Region(District, "演示区1 (synthetic)", "county", "990100", new LocalDate(2021, 1, 1));
        yield return Succession(District, SucceededCounty, "upgrade", new LocalDate(2021, 1, 1));
        yield return Event("farmland.occupied", parcels[1], District, new LocalDate(2022, 6, 1),
            new JsonObject { ["areaHa"] = 2m, ["purpose"] = "transport", ["legal"] = true, ["approvalRef"] = "演示批〔2022〕9号" });
        yield return Quota(District, 2022, 1.5m);
        if (prefectures < 2) yield break;
        yield return Region(MovedDistrict, "演示区1 (synthetic, moved to 演示市2)", "county", "990200", new LocalDate(2024, 1, 1));
        yield return Succession(MovedDistrict, District, "transfer", new LocalDate(2024, 1, 1));
        yield return Event("farmland.supplemented", parcels[2], MovedDistrict, new LocalDate(2024, 9, 1),
            new JsonObject { ["areaHa"] = 1.25m, ["method"] = "consolidation" });
    }

    private JsonObject Quota(string region, int year, decimal ha) =>
        Event("landquota.allocated", $"{region}-{year}", region, new LocalDate(year, 1, 1),
            new JsonObject { ["year"] = year, ["farmlandOccupationHa"] = ha, ["planRef"] = $"演示计划〔{year}〕{region[^2..]}号" });

    private JsonObject Succession(string successor, string predecessor, string reason, LocalDate date) =>
        Event("region.succeeded", successor, successor, date, new JsonObject { ["predecessors"] = new JsonArray(predecessor), ["reason"] = reason });

    /// <summary>Batches for ingest: a succession alone (it changes which code later events name), the rest in chunks, a restoration pair never split.</summary>
    public static IEnumerable<JsonObject[]> Batches(IEnumerable<JsonObject> events, int size)
    {
        var current = new List<JsonObject>();
        foreach (var e in events)
        {
            var alone = e["type"]!.GetValue<string>() == "region.succeeded";
            if (current.Count > 0 && (alone || current.Count == size))
            {
                // A restored parcel and the reclassification it names must share a batch (the contract refuses them apart).
                var carried = e["data"]?["restoredFromEventId"]?.GetValue<string>() is { } named && current[^1]["eventId"]!.GetValue<string>() == named
                    ? current[^1] : null;
                if (carried is not null) current.RemoveAt(current.Count - 1);
                if (current.Count > 0) yield return current.ToArray();
                current = carried is null ? [] : [carried];
            }
            if (alone) yield return [e];
            else current.Add(e);
        }
        if (current.Count > 0) yield return current.ToArray();
    }
}
