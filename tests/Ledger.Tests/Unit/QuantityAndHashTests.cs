using System.Text.Json;
using Ledger.Ingest;
using Ledger.Regions;
using Shouldly;

namespace Ledger.Tests.Unit;

public sealed class QuantityAndHashTests
{
    [Theory]
    [InlineData("410000", "410102", true)]
    [InlineData("410100", "410102", true)]
    [InlineData("410100", "410202", false)]
    [InlineData("000000", "650101", true)]
    [InlineData("410102", "410102", true)]
    [InlineData("410102", "410103", false)]
    public void a_scope_contains_the_codes_its_prefix_starts(string scope, string code, bool inside) =>
        RegionCodes.Contains(scope, code).ShouldBe(inside);

    [Theory]
    [InlineData("410000", "province")]
    [InlineData("410100", "prefecture")]
    [InlineData("410102", "county")]
    public void a_codes_shape_gives_its_level(string code, string level) => RegionCodes.LevelOf(code).ShouldBe(level);

    [Fact]
    public void content_hash_ignores_key_order_number_spelling_and_expectedVersion()
    {
        var a = JsonDocument.Parse("""{"eventId":"x","data":{"areaHa":2.5,"legal":true},"type":"t"}""").RootElement;
        var b = JsonDocument.Parse("""{"type":"t","expectedVersion":3,"data":{"legal":true,"areaHa":2.50},"eventId":"x"}""").RootElement;
        var c = JsonDocument.Parse("""{"type":"t","data":{"legal":true,"areaHa":2.51},"eventId":"x"}""").RootElement;

        ContentHash.Of(a).ShouldBe(ContentHash.Of(b));
        ContentHash.Of(a).ShouldNotBe(ContentHash.Of(c));
    }

    [Theory]
    [InlineData("2.5", 1)]
    [InlineData("2.50000", 1)]
    [InlineData("0.0001", 4)]
    [InlineData("3", 0)]
    [InlineData("1.00001", 5)]
    public void scale_counts_the_decimal_places_that_carry_a_digit(string value, int scale) =>
        DataReader.Scale(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture)).ShouldBe(scale);
}

public sealed class ParserEdgeTests
{
    [Theory]
    [InlineData("approvalRef", "events[0].data.approvalRef")]
    [InlineData("type", "events[0].type")]
    [InlineData("stream", "events[0].stream")]
    public void unpaired_surrogates_are_refused_not_thrown(string field, string expected)
    {
        var item = new System.Text.Json.Nodes.JsonObject
        {
            ["eventId"] = "0b5e0c8e-4b7a-4c7e-9a55-0f0c1e7d2a11", ["type"] = "farmland.occupied", ["stream"] = "410102-1", ["regionCode"] = "410102",
            ["effectiveDate"] = "2024-01-01",
            ["data"] = new System.Text.Json.Nodes.JsonObject { ["areaHa"] = 1, ["purpose"] = "construction", ["legal"] = true, ["approvalRef"] = "x" },
        };
        var json = new System.Text.Json.Nodes.JsonObject { ["events"] = new System.Text.Json.Nodes.JsonArray(item) }.ToJsonString();
        var original = field == "approvalRef" ? "\"approvalRef\":\"x\"" : field == "type" ? "\"type\":\"farmland.occupied\"" : "\"stream\":\"410102-1\"";
        json = json.Replace(original, $"\"{field}\":\"\\ud800\"");

        var outcome = Ledger.Ingest.BatchParser.Parse(System.Text.Json.JsonDocument.Parse(json).RootElement);

        outcome.Errors.Select(e => e.Field).ShouldContain(expected);
    }
}
