using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Ledger.Tests.Support;
using Shouldly;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.LandUse;

/// <summary>
/// Over random histories of two counties (farmland converted and occupied to any class, land
/// reclassified, restoration pairs, new parcels) posted in two deliveries: every class balances,
/// land is conserved, counties add up to the province, the transitions add up to the class
/// changes, farmland's classes equal the farmland account, and every closing equals a replay of
/// the events kept in the test.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class LandUsePropertyTests(LedgerApp app)
{
    private static readonly string[] Counties = [County, "410103"];
    private static readonly string[] Targets = ["0201", "0307K", "0401", "1104A", "0601", "1003", "0303", "1202"];
    /// <summary>The targets that are other agricultural land for 耕地进出平衡 (0303 红树林地 is 湿地, not 林地).</summary>
    private static readonly string[] Agricultural = ["0201", "0307K", "0401", "1104A", "1202"];

    /// <summary>An operation: which county and parcel, what to do, how much (percent of what is left), the day, the delivery.</summary>
    private sealed record Op(int County, int Parcel, int Kind, int Percent, int Day, int Target);

    private static readonly Gen<(Op[] Ops, int FromDay, int Span, bool Early)> Histories =
        Gen.Select(
            Gen.Select(Gen.Int[0, 1], Gen.Int[0, 3], Gen.Int[0, 4], Gen.Int[1, 100], Gen.Int[0, 1400], Gen.Int[0, Targets.Length - 1],
                (c, p, k, pct, d, t) => new Op(c, p, k, pct, d, t)).Array[0, 24],
            Gen.Int[0, 1400], Gen.Int[0, 700], Gen.Bool,
            (ops, from, span, early) => (ops, from, span, early));

    [Fact]
    public async Task land_is_conserved_rolls_up_and_agrees_with_a_replay()
    {
        await Histories.SampleAsync(async h =>
        {
            await app.ResetAsync();
            var writer = await app.KeyAsync("writer");
            var auditor = await app.KeyAsync("auditor");
            var (setup, deliveries, changes) = Build(h.Ops);
            await Post(writer, [.. RegionTree(), Region("410103", "county", City), .. setup]);
            await Post(writer, deliveries[0]);
            var afterFirst = app.Clock.GetCurrentInstant();
            app.Clock.Advance(NodaTime.Duration.FromDays(40));
            await Post(writer, deliveries[1]);

            var from = new NodaTime.LocalDate(2022, 1, 1).PlusDays(h.FromDay);
            var to = from.PlusDays(h.Span);
            var knownAt = h.Early ? afterFirst : app.Clock.GetCurrentInstant();
            var known = h.Early ? 1 : 2;
            var query = $"from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}&knownAt={Uri.EscapeDataString(NodaTime.Text.InstantPattern.ExtendedIso.Format(knownAt))}";

            var province = await Get(auditor, $"/api/v1/regions/{Province}/balance-sheet?{query}&landUseLevel=2");
            var counties = await Task.WhenAll(Counties.Select(c => Get(auditor, $"/api/v1/regions/{c}/balance-sheet?{query}&landUseLevel=2")));
            foreach (var (sheet, code) in counties.Zip(Counties).Append((province, Province)))
            {
                var landUse = LandUseTests.Account(sheet, "landUse");
                var classes = LandUseTests.Classes(landUse);
                foreach (var (name, c) in classes)
                    (Value(c, "opening") + Sum(c, "additions") - Sum(c, "reductions")).ShouldBe(Value(c, "closing"), $"{code} {name}");
                // Conserved: what one class lost to another, the other gained.
                classes.Values.Sum(c => Sum(c, "additions", "fromClass")).ShouldBe(classes.Values.Sum(c => Sum(c, "reductions", "toClass")), code);
                var total = landUse.GetProperty("total");
                (Value(total, "opening") + Value(total, "registered") + Value(total, "transferredIn") - Value(total, "transferredOut"))
                    .ShouldBe(Value(total, "closing"), code);
                classes.Values.Sum(c => Value(c, "closing")).ShouldBe(Value(total, "closing"), code);
                // Farmland's classes are the farmland account.
                classes.Where(c => c.Key.StartsWith("01")).Sum(c => Value(c.Value, "closing"))
                    .ShouldBe(Value(LandUseTests.Account(sheet, "farmland"), "closing"), code);
                // A replay of the events the test kept.
                var expected = changes.Where(x => x.Side is null && (code == Province || x.County == code) && x.Date <= to && x.Delivery <= known)
                    .GroupBy(x => x.Class).ToDictionary(g => g.Key, g => g.Sum(x => x.Amount));
                foreach (var (cls, amount) in expected.Where(e => e.Value != 0))
                    (classes.TryGetValue(cls, out var c) ? Value(c, "closing") : 0m).ShouldBe(amount, $"{code} {cls}");
                classes.Where(c => Value(c.Value, "closing") != 0).Select(c => c.Key).ShouldBeSubsetOf(expected.Keys);
            }
            // 耕地进出平衡, county-year by county-year, from the events the test kept.
            var inOut = changes.Where(x => x.Side is not null && x.Date >= from && x.Date <= to && x.Delivery <= known)
                .GroupBy(x => (x.County, x.Date.Year))
                .Select(g => (g.Key.County, g.Key.Year, Out: g.Where(x => x.Side == "out").Sum(x => x.Amount), In: g.Where(x => x.Side == "in").Sum(x => x.Amount)))
                .OrderBy(y => y.County, StringComparer.Ordinal).ThenBy(y => y.Year).ToList();
            var balance = LandUseTests.Account(province, "farmland").GetProperty("inOutBalance");
            balance.GetProperty("years").EnumerateArray()
                .Select(y => (y.GetProperty("region").GetString()!, y.GetProperty("year").GetInt32(), Value(y, "out"), Value(y, "in")))
                .ShouldBe(inOut);
            Value(balance, "deficit").ShouldBe(inOut.Sum(y => Math.Max(0, y.Out - y.In)));

            // Counties add up to the province, class by class.
            var byClass = counties.SelectMany(s => LandUseTests.Classes(LandUseTests.Account(s, "landUse")))
                .GroupBy(c => c.Key).ToDictionary(g => g.Key, g => (Opening: g.Sum(c => Value(c.Value, "opening")), Closing: g.Sum(c => Value(c.Value, "closing"))));
            foreach (var (cls, c) in LandUseTests.Classes(LandUseTests.Account(province, "landUse")))
                (Value(c, "opening"), Value(c, "closing")).ShouldBe(byClass[cls], cls);

            // The transitions add up to the class changes.
            var t = await Get(auditor, $"/api/v1/regions/{Province}/land-use/transitions?{query}&level=2");
            var cells = t.GetProperty("transitions").EnumerateArray()
                .Select(c => (From: c.GetProperty("fromClass").GetString()!, To: c.GetProperty("toClass").GetString()!, Ha: c.GetProperty("areaHa").GetDecimal())).ToList();
            foreach (var (cls, c) in LandUseTests.Classes(LandUseTests.Account(province, "landUse")))
            {
                var registered = Sum(c, "additions", "fromClass", nulls: true) - Sum(c, "reductions", "toClass", nulls: true);
                (Value(c, "opening") + cells.Where(x => x.To == cls).Sum(x => x.Ha) - cells.Where(x => x.From == cls).Sum(x => x.Ha) + registered)
                    .ShouldBe(Value(c, "closing"), cls);
            }
        }, iter: 12, threads: 1);
    }

    /// <param name="Side">For the in-out balance: <c>out</c> (farmland to other agricultural land), <c>in</c> (such land restored), or none.</param>
    private sealed record Change(string County, NodaTime.LocalDate Date, int Delivery, string Class, decimal Amount, string? Side = null);

    /// <summary>Valid events from the operations, tracking what each parcel still holds, and the class changes they make.</summary>
    private static (JsonObject[] Setup, JsonObject[][] Deliveries, List<Change> Changes) Build(Op[] ops)
    {
        var setup = new List<JsonObject>();
        var changes = new List<Change>();
        // Per county: two farmland parcels (0101, 0103) and two land-use parcels (0301, 0404), 10 ha each, in 2021.
        var held = new Dictionary<(int, int), (string Key, string Class, decimal Area, bool Farmland)>();
        for (var c = 0; c < 2; c++)
            for (var p = 0; p < 4; p++)
            {
                var (cls, farmland) = p switch { 0 => ("0101", true), 1 => ("0103", true), 2 => ("0301", false), _ => ("0404", false) };
                var key = $"{Counties[c]}-P{p}";
                held[(c, p)] = (key, cls, 10m, farmland);
                setup.Add(farmland ? Farmland(key, Counties[c], 10m, cls, "baseline", "2021-01-01") : Land(key, Counties[c], 10m, cls, "baseline", "2021-01-01"));
                changes.Add(new Change(Counties[c], new NodaTime.LocalDate(2021, 1, 1), 0, cls, 10m));
            }
        var deliveries = new[] { new List<JsonObject>(), new List<JsonObject>() };
        var n = 0;
        // In date order per parcel, so no event precedes what it changes.
        foreach (var (op, i) in ops.Select((o, i) => (o, i)).OrderBy(x => x.o.Day))
        {
            var delivery = i % 2;
            var county = Counties[op.County];
            var date = new NodaTime.LocalDate(2022, 1, 1).PlusDays(op.Day);
            var d = $"{date:yyyy-MM-dd}";
            var (key, cls, area, farmland) = held[(op.County, op.Parcel)];
            var amount = Math.Round(area * op.Percent / 100m, 2);
            var target = Targets[op.Target];
            if (op.Kind == 4)
            {
                var newKey = $"{county}-N{n++}";
                deliveries[delivery].Add(Land(newKey, county, 1.5m, target, "new", d));
                changes.Add(new Change(county, date, delivery + 1, target, 1.5m));
                continue;
            }
            if (amount <= 0) continue;
            if (farmland)
            {
                deliveries[delivery].Add(op.Kind % 2 == 0
                    ? Make("farmland.converted", key, county, new JsonObject { ["areaHa"] = amount, ["to"] = "other-agriculture", ["toClass"] = target }, d)
                    : Make("farmland.occupied", key, county, new JsonObject { ["areaHa"] = amount, ["purpose"] = "construction", ["legal"] = false, ["toClass"] = target }, d));
            }
            else if (op.Kind == 3)
            {
                // Land restored to farmland: the pair in one batch (its own delivery's list keeps order; the batch is the delivery).
                var reclassified = Make("landuse.reclassified", key, county, new JsonObject
                    { ["areaHa"] = amount, ["toClass"] = "0102", ["cause"] = "farmland-restoration", ["legal"] = true, ["approvalRef"] = "复垦" }, d);
                deliveries[delivery].Add(reclassified);
                deliveries[delivery].Add(Farmland($"{county}-R{n++}", county, amount, "0102", "restored", d)
                    .With("data.restoredFromEventId", reclassified["eventId"]!.GetValue<string>()));
                target = "0102";
            }
            else
            {
                if (target == cls) continue;
                deliveries[delivery].Add(Make("landuse.reclassified", key, county, new JsonObject
                    { ["areaHa"] = amount, ["toClass"] = target, ["cause"] = "other", ["legal"] = false }, d));
            }
            held[(op.County, op.Parcel)] = (key, cls, area - amount, farmland);
            var side = farmland && Agricultural.Contains(target) ? "out" : !farmland && target == "0102" ? "in" : null;
            if (side is not null) changes.Add(new Change(county, date, delivery + 1, "", amount, side));
            changes.Add(new Change(county, date, delivery + 1, cls, -amount));
            changes.Add(new Change(county, date, delivery + 1, target, amount));
        }
        return ([.. setup], [[.. deliveries[0]], [.. deliveries[1]]], changes);
    }

    private static JsonObject Farmland(string key, string county, decimal area, string cls, string origin, string date) =>
        Make("farmland.parcel-registered", key, county, new JsonObject
        {
            ["areaHa"] = area, ["landType"] = cls switch { "0101" => "paddy", "0102" => "irrigated", _ => "dry" }, ["qualityGrade"] = 5,
            ["permanentBasic"] = false, ["origin"] = origin,
        }, date);

    private static JsonObject Land(string key, string county, decimal area, string cls, string origin, string date) =>
        Make("landuse.parcel-registered", key, county, new JsonObject { ["areaHa"] = area, ["landClass"] = cls, ["origin"] = origin }, date);

    private async Task Post(string key, JsonObject[] events)
    {
        if (events.Length == 0) return;
        var posted = await app.PostEventsAsync(key, events);
        posted.StatusCode.ShouldBe(HttpStatusCode.OK, await posted.Content.ReadAsStringAsync());
    }

    private async Task<JsonElement> Get(string key, string url)
    {
        var response = await app.SendAsync(HttpMethod.Get, url, key);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static decimal Value(JsonElement e, string name) => e.GetProperty(name).GetDecimal();

    /// <summary>The amounts of a class's additions or reductions: all, those naming the other class, or (<paramref name="nulls"/>) those naming none.</summary>
    private static decimal Sum(JsonElement c, string part, string? side = null, bool nulls = false) =>
        c.GetProperty(part).EnumerateArray()
            .Where(x => side is null || (x.GetProperty(side).ValueKind == JsonValueKind.Null) == nulls)
            .Sum(x => x.GetProperty("amount").GetDecimal());
}
