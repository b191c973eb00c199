using System.Globalization;
using System.Text.Json.Nodes;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.BalanceSheets;

/// <summary>
/// Builds a valid random farmland history from generated numbers: a small model of each
/// parcel keeps every amount inside what the parcel holds, so the server must accept it all.
/// </summary>
public static class RandomHistory
{
    public static readonly string[] Counties = ["410102", "410103", "410201"];
    private static readonly LocalDateRange Dates = new(new DateOnly(2019, 1, 1), new DateOnly(2026, 2, 28));

    public sealed record Op(int Parcel, int Kind, int Percent, int Day);

    /// <summary>How many region events open every history.</summary>
    public const int SetupCount = 6;

    public static (JsonObject[] Events, string[] Parcels) Build(int parcels, IReadOnlyList<Op> ops)
    {
        var events = new List<JsonObject>(RegionTree())
        {
            Region("410103", "county", City), Region("410200", "prefecture", Province), Region("410201", "county", "410200"),
        };
        var keys = Enumerable.Range(0, parcels).Select(i => $"{Counties[i % 3]}-{i:000000}").ToArray();
        var area = new decimal[parcels];
        var protectedArea = new decimal[parcels];
        for (var i = 0; i < parcels; i++)
        {
            area[i] = 10m + i * 7.25m;
            protectedArea[i] = i % 2 == 0 ? area[i] : 0;
            events.Add(Parcel(keys[i], area[i], permanentBasic: i % 2 == 0).With("regionCode", Counties[i % 3]).With("effectiveDate", "2019-01-01"));
        }
        foreach (var op in ops)
        {
            var p = op.Parcel % parcels;
            var date = Dates.At(op.Day);
            var region = Counties[p % 3];
            decimal Part(decimal of) => Math.Round(of * op.Percent / 100m, 2, MidpointRounding.ToZero);
            void Shrink(decimal by)
            {
                area[p] -= by;
                protectedArea[p] = Math.Min(protectedArea[p], area[p]);
            }
            JsonObject? e = null;
            switch (op.Kind % 6)
            {
                case 0 when Part(area[p]) > 0:
                    var taken = Part(area[p]);
                    Shrink(taken);
                    e = Make("farmland.occupied", keys[p], region, new JsonObject
                    {
                        ["areaHa"] = taken, ["purpose"] = op.Percent % 2 == 0 ? "construction" : "mining", ["legal"] = op.Percent % 3 != 0,
                        ["approvalRef"] = "批",
                    }, date);
                    break;
                case 1 when Part(area[p]) > 0:
                    var lost = Part(area[p]);
                    Shrink(lost);
                    e = Make("farmland.lost-to-disaster", keys[p], region, new JsonObject { ["areaHa"] = lost, ["disaster"] = "flood" }, date);
                    break;
                case 2:
                    var added = op.Percent / 10m;
                    area[p] += added;
                    e = Make("farmland.supplemented", keys[p], region, new JsonObject { ["areaHa"] = added, ["method"] = "consolidation" }, date);
                    break;
                case 3 when Part(area[p] - protectedArea[p]) > 0:
                    var designated = Part(area[p] - protectedArea[p]);
                    protectedArea[p] += designated;
                    e = Make("farmland.permanent-basic-designated", keys[p], region, new JsonObject { ["areaHa"] = designated }, date);
                    break;
                case 4 when Part(protectedArea[p]) > 0:
                    var released = Part(protectedArea[p]);
                    protectedArea[p] -= released;
                    e = Make("farmland.permanent-basic-released", keys[p], region, new JsonObject { ["areaHa"] = released, ["approvalRef"] = "国" }, date);
                    break;
                case 5 when Part(area[p]) / 2 > 0:
                    var delta = op.Percent % 2 == 0 ? Part(area[p]) / 2 : -(Part(area[p]) / 2);
                    if (delta < 0) Shrink(-delta);
                    else area[p] += delta;
                    e = Make("farmland.area-corrected", keys[p], region, new JsonObject { ["deltaHa"] = delta, ["reason"] = "测量" }, date);
                    break;
            }
            if (e is not null) events.Add(e);
        }
        return (events.ToArray(), keys);
    }

    private sealed record LocalDateRange(DateOnly First, DateOnly Last)
    {
        public string At(int day) => First.AddDays(day % (Last.DayNumber - First.DayNumber + 1)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }
}
