using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Tests.Support;
using Shouldly;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.LandUse;

/// <summary>
/// A county-year computed by hand (contract 1.8): farmland converted both ways, an occupation, a K
/// class, a restoration pair, forest lost to a road, grassland restored to forest, a new pond.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class LandUseTests(LedgerApp app) : IAsyncLifetime
{
    private string _writer = "";
    private string _auditor = "";

    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        _writer = await app.KeyAsync("writer");
        _auditor = await app.KeyAsync("auditor");
        await Post(
        [
            .. RegionTree(),
            Farmland("410102-A", 10m, "paddy"), Farmland("410102-B", 6m, "dry"),
            Land("410102-F1", 20m, "0301"), Land("410102-G1", 8m, "0401"), Land("410102-W1", 4m, "1106"),
            Land("410102-K1", 3m, "0307K"), Land("410102-P1", 5m, "0201"),
        ]);
        await Post([Make("farmland.converted", "410102-A", County, new JsonObject { ["areaHa"] = 2m, ["to"] = "orchard" }, "2024-03-01")]);
        await Post([Occupied("410102-A", 1m, "2024-04-01")]);
        await Post([Make("farmland.converted", "410102-B", County, new JsonObject { ["areaHa"] = 1.5m, ["to"] = "forest", ["toClass"] = "0307K" }, "2024-05-01")]);
        await Post(RestorationPair(3m, "2024-06-01"));
        await Post([Reclassify("410102-F1", 2m, "1003", "construction", "2024-07-01")]);
        await Post([Reclassify("410102-G1", 4m, "0301", "ecological-restoration", "2024-08-01")]);
        await Post([Land("410102-N1", 2m, "1104A", "new", "2024-09-01")]);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task the_county_year_matches_the_hand_computed_classes()
    {
        var sheet = await Get($"/api/v1/regions/{County}/balance-sheet?from=2024-01-01&to=2024-12-31&landUseLevel=2");
        var landUse = Account(sheet, "landUse");
        landUse.GetProperty("level").GetInt32().ShouldBe(2);
        var classes = Classes(landUse);
        classes.Keys.ShouldBe(["1106", "0101", "0103", "0201", "0301", "0307K", "0401", "0601", "1003", "1104A"]);
        Figures(classes["0101"]).ShouldBe((10m, 7m));
        Changes(classes["0101"], "reductions", "toClass").ShouldBe(new Dictionary<string, decimal>
            { ["0201 conversion-to-orchard"] = 2m, ["0601 occupation-construction-legal"] = 1m });
        Figures(classes["0103"]).ShouldBe((6m, 7.5m));
        Changes(classes["0103"], "additions", "fromClass").ShouldBe(new Dictionary<string, decimal> { ["0307K reclassification-farmland-restoration"] = 3m });
        Changes(classes["0103"], "reductions", "toClass").ShouldBe(new Dictionary<string, decimal> { ["0307K conversion-to-forest"] = 1.5m });
        Figures(classes["0201"]).ShouldBe((5m, 7m));
        Figures(classes["0301"]).ShouldBe((20m, 22m));
        Changes(classes["0301"], "additions", "fromClass").ShouldBe(new Dictionary<string, decimal> { ["0401 reclassification-ecological-restoration"] = 4m });
        Changes(classes["0301"], "reductions", "toClass").ShouldBe(new Dictionary<string, decimal> { ["1003 reclassification-construction"] = 2m });
        Figures(classes["0307K"]).ShouldBe((3m, 1.5m));
        Figures(classes["0401"]).ShouldBe((8m, 4m));
        Figures(classes["0601"]).ShouldBe((0m, 1m));
        Figures(classes["1003"]).ShouldBe((0m, 2m));
        Figures(classes["1104A"]).ShouldBe((0m, 2m));
        Changes(classes["1104A"], "additions", "fromClass").ShouldBe(new Dictionary<string, decimal> { ["- registration-new"] = 2m });
        Figures(classes["1106"]).ShouldBe((4m, 4m));

        var total = landUse.GetProperty("total");
        total.GetProperty("opening").GetDecimal().ShouldBe(56m);
        total.GetProperty("registered").GetDecimal().ShouldBe(2m);
        total.GetProperty("transferredIn").GetDecimal().ShouldBe(0m);
        total.GetProperty("closing").GetDecimal().ShouldBe(58m);

        // Farmland's rows are the farmland account.
        var farmland = Account(sheet, "farmland");
        farmland.GetProperty("opening").GetDecimal().ShouldBe(16m);
        farmland.GetProperty("closing").GetDecimal().ShouldBe(classes["0101"].GetProperty("closing").GetDecimal() + classes["0103"].GetProperty("closing").GetDecimal());
    }

    [Fact]
    public async Task level_one_counts_wetland_classes_in_wetland_and_drops_moves_inside_a_group()
    {
        var sheet = await Get($"/api/v1/regions/{Province}/balance-sheet?from=2024-01-01&to=2024-12-31");
        var classes = Classes(Account(sheet, "landUse"));
        classes.Keys.ShouldBe(["00", "01", "02", "03", "04", "06", "10", "11"]);
        classes["00"].GetProperty("name").GetString().ShouldBe("湿地");
        Figures(classes["00"]).ShouldBe((4m, 4m));
        Figures(classes["01"]).ShouldBe((16m, 14.5m));
        Changes(classes["01"], "reductions", "toClass").ShouldBe(new Dictionary<string, decimal>
            { ["02 conversion-to-orchard"] = 2m, ["03 conversion-to-forest"] = 1.5m, ["06 occupation-construction-legal"] = 1m });
        Figures(classes["03"]).ShouldBe((23m, 23.5m));
        Changes(classes["03"], "additions", "fromClass").ShouldBe(new Dictionary<string, decimal>
            { ["01 conversion-to-forest"] = 1.5m, ["04 reclassification-ecological-restoration"] = 4m });
        Figures(classes["11"]).ShouldBe((0m, 2m));
    }

    [Fact]
    public async Task the_in_out_balance_shows_the_years_deficit_as_a_liability()
    {
        var sheet = await Get($"/api/v1/regions/{City}/balance-sheet?from=2024-01-01&to=2024-12-31");
        var farmland = Account(sheet, "farmland");
        var balance = farmland.GetProperty("inOutBalance");
        balance.GetProperty("out").GetDecimal().ShouldBe(3.5m);
        balance.GetProperty("in").GetDecimal().ShouldBe(3m);
        balance.GetProperty("deficit").GetDecimal().ShouldBe(0.5m);
        var year = balance.GetProperty("years").EnumerateArray().Single();
        (year.GetProperty("region").GetString(), year.GetProperty("year").GetInt32()).ShouldBe((County, 2024));
        farmland.GetProperty("liabilities").EnumerateArray().Single(l => l.GetProperty("kind").GetString() == "farmlandInOutDeficit")
            .GetProperty("amount").GetDecimal().ShouldBe(0.5m);

        // A year without conversions has no county-year at all, so nothing to net or to owe.
        var earlier = Account(await Get($"/api/v1/regions/{County}/balance-sheet?from=2023-01-01&to=2023-12-31"), "farmland");
        earlier.GetProperty("inOutBalance").GetProperty("deficit").GetDecimal().ShouldBe(0m);
    }

    [Fact]
    public async Task transitions_are_the_cells_of_the_matrix_and_each_cell_lists_its_events()
    {
        var t = await Get($"/api/v1/regions/{County}/land-use/transitions?from=2024-01-01&to=2024-12-31&level=2");
        var cells = t.GetProperty("transitions").EnumerateArray()
            .ToDictionary(c => $"{c.GetProperty("fromClass").GetString()}>{c.GetProperty("toClass").GetString()}", c => c);
        cells.OrderBy(c => c.Key, StringComparer.Ordinal).ToDictionary(c => c.Key, c => c.Value.GetProperty("areaHa").GetDecimal())
            .ShouldBe(new Dictionary<string, decimal>
            {
                ["0101>0201"] = 2m, ["0101>0601"] = 1m, ["0103>0307K"] = 1.5m, ["0301>1003"] = 2m, ["0307K>0103"] = 3m, ["0401>0301"] = 4m,
            });
        t.GetProperty("opening").GetProperty("0301").GetDecimal().ShouldBe(20m);
        t.GetProperty("closing").GetProperty("0301").GetDecimal().ShouldBe(22m);
        // The transitions sum to the class changes: each class's closing is its opening plus what came in less what went out.
        foreach (var c in t.GetProperty("closing").EnumerateObject())
        {
            var opening = t.GetProperty("opening").TryGetProperty(c.Name, out var o) ? o.GetDecimal() : 0m;
            var inward = cells.Where(x => x.Key.EndsWith($">{c.Name}")).Sum(x => x.Value.GetProperty("areaHa").GetDecimal());
            var outward = cells.Where(x => x.Key.StartsWith($"{c.Name}>")).Sum(x => x.Value.GetProperty("areaHa").GetDecimal());
            var registered = c.Name == "1104A" ? 2m : 0m;
            c.Value.GetDecimal().ShouldBe(opening + inward - outward + registered, c.Name);
        }

        var provenance = await Get(cells["0307K>0103"].GetProperty("provenance").GetString()!);
        provenance.GetProperty("total").GetDecimal().ShouldBe(3m);
        provenance.GetProperty("flows").EnumerateArray().Single().GetProperty("stream").GetString().ShouldBe("landuse:410102-K1");
        var toOrchard = await Get(cells["0101>0201"].GetProperty("provenance").GetString()!);
        toOrchard.GetProperty("flows").EnumerateArray().Single().GetProperty("stream").GetString().ShouldBe("farmland:410102-A");
    }

    [Theory]
    [InlineData("farmland class on a landuse parcel", "landClass")]
    [InlineData("unknown class", "landClass")]
    [InlineData("reclassifying more than the parcel holds", "areaHa")]
    [InlineData("half a restoration pair", "toClass")]
    [InlineData("a restoration naming another event", "restoredFromEventId")]
    [InlineData("toClass 01xx on farmland.converted", "toClass")]
    public async Task bad_land_use_input_is_refused_and_stores_nothing(string what, string field)
    {
        var before = await app.EventCountAsync();
        JsonObject[] batch = what switch
        {
            "farmland class on a landuse parcel" => [Land("410102-X1", 1m, "0102")],
            "unknown class" => [Land("410102-X1", 1m, "0399")],
            "reclassifying more than the parcel holds" => [Reclassify("410102-W1", 4.5m, "1104", "agricultural-restructuring")],
            "half a restoration pair" => [Reclassify("410102-P1", 1m, "0101", "farmland-restoration")],
            "a restoration naming another event" =>
            [
                Reclassify("410102-P1", 1m, "0101", "farmland-restoration"),
                Farmland("410102-X2", 1m, "paddy", "restored", "2024-10-01").With("data.restoredFromEventId", Guid.NewGuid().ToString()),
            ],
            _ => [Make("farmland.converted", "410102-A", County, new JsonObject { ["areaHa"] = 1m, ["to"] = "orchard", ["toClass"] = "0101" }, "2024-10-01")],
        };
        var response = await app.PostEventsAsync(_writer, batch);
        var body = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBeInRange(400, 422, body);
        body.ShouldContain(field);
        (await app.EventCountAsync()).ShouldBe(before);
    }

    private static JsonObject Farmland(string key, decimal area, string landType, string origin = "baseline", string date = "2021-01-01") =>
        Make("farmland.parcel-registered", key, County, new JsonObject
        {
            ["areaHa"] = area, ["landType"] = landType, ["qualityGrade"] = 5, ["permanentBasic"] = false, ["origin"] = origin,
        }, date);

    internal static JsonObject Land(string key, decimal area, string landClass, string origin = "baseline", string date = "2021-01-01") =>
        Make("landuse.parcel-registered", key, County, new JsonObject { ["areaHa"] = area, ["landClass"] = landClass, ["origin"] = origin }, date);

    private static JsonObject Reclassify(string key, decimal area, string toClass, string cause, string date = "2024-10-01") =>
        Make("landuse.reclassified", key, County, new JsonObject
        {
            ["areaHa"] = area, ["toClass"] = toClass, ["cause"] = cause, ["legal"] = true, ["approvalRef"] = "豫自然资〔2024〕7号",
        }, date);

    private static JsonObject[] RestorationPair(decimal area, string date)
    {
        var reclassified = Reclassify("410102-K1", area, "0103", "farmland-restoration", date);
        var restored = Farmland("410102-R1", area, "dry", "restored", date).With("data.restoredFromEventId", reclassified["eventId"]!.GetValue<string>());
        return [reclassified, restored];
    }

    private async Task Post(JsonObject[] events)
    {
        var response = await app.PostEventsAsync(_writer, events);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private async Task<JsonElement> Get(string url)
    {
        var response = await app.SendAsync(HttpMethod.Get, url, _auditor);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    internal static JsonElement Account(JsonElement sheet, string name) =>
        sheet.GetProperty("accounts").EnumerateArray().Single(a => a.GetProperty("account").GetString() == name);

    internal static Dictionary<string, JsonElement> Classes(JsonElement landUse) =>
        landUse.GetProperty("classes").EnumerateArray().ToDictionary(c => c.GetProperty("class").GetString()!, c => c);

    private static (decimal, decimal) Figures(JsonElement c) => (c.GetProperty("opening").GetDecimal(), c.GetProperty("closing").GetDecimal());

    private static Dictionary<string, decimal> Changes(JsonElement c, string part, string side) =>
        c.GetProperty(part).EnumerateArray().ToDictionary(
            x => $"{(x.GetProperty(side).ValueKind == JsonValueKind.Null ? "-" : x.GetProperty(side).GetString())} {x.GetProperty("cause").GetString()}",
            x => x.GetProperty("amount").GetDecimal());
}
