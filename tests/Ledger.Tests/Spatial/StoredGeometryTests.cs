using System.Text.Json;
using Ledger.Spatial;
using Ledger.Tests.Support;
using Shouldly;

namespace Ledger.Tests.Spatial;

/// <summary>Events keep a boundary as one string since decision 72; older events keep the tree, and both read the same.</summary>
public sealed class StoredGeometryTests
{
    private const string Posted = """{"type":"Polygon","coordinates":[[[113.600,34.700],[113.610,34.700],[113.610,34.710],[113.600,34.710],[113.600,34.700]]]}""";

    [Fact]
    public void a_posted_boundary_is_stored_as_its_compact_text_with_its_numbers_as_written()
    {
        using var spaced = JsonDocument.Parse(Posted.Replace(",", ", ").Replace(":", " : "));
        var stored = StoredGeometry.Of(spaced.RootElement);
        stored.ValueKind.ShouldBe(JsonValueKind.String);
        stored.GetString().ShouldBe(Posted);
    }

    [Theory]
    [InlineData("""{ "a" : "x \" y\\" , "b" : [ 1.50 , -2e3 ] }""", """{"a":"x \" y\\","b":[1.50,-2e3]}""")]
    [InlineData("{\"a\":\"\\\\\\\"\",\n\t\"b\":\"é 中\"}", "{\"a\":\"\\\\\\\"\",\"b\":\"é 中\"}")]
    public void the_compact_text_keeps_strings_whole_and_drops_only_the_space_between_tokens(string posted, string compact)
    {
        using var document = JsonDocument.Parse(posted);
        var stored = StoredGeometry.Of(document.RootElement);
        stored.GetString().ShouldBe(compact);
        using var again = JsonDocument.Parse(stored.GetString()!);
        again.RootElement.GetProperty("a").GetString().ShouldBe(document.RootElement.GetProperty("a").GetString());
    }

    [Fact]
    public void the_new_string_and_the_older_tree_read_as_the_same_boundary()
    {
        using var tree = JsonDocument.Parse(Posted);
        var fromTree = StoredGeometry.Read(tree.RootElement)!;
        var fromText = StoredGeometry.Read(StoredGeometry.Of(tree.RootElement))!;
        fromText.Geometry.EqualsExact(fromTree.Geometry).ShouldBeTrue();
        fromText.AreaHa.ShouldBe(fromTree.AreaHa);
        fromText.AreaHa.ShouldBe(Geo.AreaHa(System.Text.Json.Nodes.JsonNode.Parse(Posted)!.AsObject()));
        StoredGeometry.AsGeoJson(tree.RootElement).GetRawText().ShouldBe(Posted);
        StoredGeometry.AsGeoJson(StoredGeometry.Of(tree.RootElement)).GetRawText().ShouldBe(Posted);
    }

    [Theory]
    [InlineData("\"not json\"")]
    [InlineData("\"{\\\"type\\\":\\\"Point\\\",\\\"coordinates\\\":[113.6,34.7]}\"")]
    [InlineData("42")]
    public void a_stored_value_that_is_no_boundary_reads_as_none(string stored)
    {
        using var value = JsonDocument.Parse(stored);
        StoredGeometry.Read(value.RootElement).ShouldBeNull();
    }
}
