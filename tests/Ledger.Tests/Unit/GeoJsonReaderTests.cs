using System.Text.Json;
using Ledger.Spatial;
using Shouldly;

namespace Ledger.Tests.Unit;

public sealed class GeoJsonReaderTests
{
    private static string? Problem(string json) => GeoJsonReader.Read(JsonDocument.Parse(json).RootElement).Problem;

    [Fact]
    public void a_bow_tie_is_refused_naming_the_crossing_point()
    {
        var problem = Problem("""{"type":"Polygon","coordinates":[[[113.6,34.7],[113.61,34.71],[113.61,34.7],[113.6,34.71],[113.6,34.7]]]}""");
        problem.ShouldNotBeNull();
        problem.ShouldContain("Self-intersection");
        problem.ShouldContain("(113.605 34.705)");
    }

    [Fact]
    public void an_unclosed_ring_names_the_ring_and_both_ends()
    {
        var problem = Problem("""{"type":"Polygon","coordinates":[[[113.6,34.7],[113.61,34.7],[113.61,34.71],[113.6,34.71],[113.6,34.705]]]}""");
        problem.ShouldBe("coordinates[0] is not closed: its first position (113.6 34.7) differs from its last (113.6 34.705)");
    }

    [Theory]
    [InlineData("""{"type":"Point","coordinates":[113.6,34.7]}""", "is a Point; it must be a Polygon or MultiPolygon")]
    [InlineData("""{"type":"Polygon","coordinates":[[[113.6,34.7,1],[113.61,34.7,1],[113.61,34.71,1],[113.6,34.7,1]]]}""", "coordinates[0][0] has 3 members")]
    [InlineData("""{"type":"Polygon","coordinates":[[[34.7,113.6],[34.7,113.61],[34.71,113.61],[34.7,113.6]]]}""", "lies outside longitude 73–136")]
    [InlineData("""{"type":"Polygon","coordinates":[[[113.6,34.7],[113.61,34.7],[113.6,34.7]]]}""", "needs at least 4")]
    [InlineData("""{"type":"Polygon","coordinates":[[[113.6,34.7],[113.61,34.7],[113.62,34.7],[113.6,34.7]]]}""", "OGC")]
    [InlineData("""{"type":"Polygon","crs":{"type":"name","properties":{"name":"EPSG:4326"}},"coordinates":[]}""", "crs")]
    [InlineData("""{"type":"MultiPolygon","coordinates":[]}""", "at least one polygon")]
    [InlineData("""{"type":"Polygon","coordinates":[[[113.6,34.7],["113.61",34.7],[113.61,34.71],[113.6,34.7]]]}""", "coordinates[0][1][0] must be a finite number")]
    [InlineData("""{"type":"Polygon","coordinates":[[[113.6,34.7],[1e400,34.7],[113.61,34.71],[113.6,34.7]]]}""", "coordinates[0][1][0] must be a finite number")]
    public void each_malformed_geometry_says_what_and_where(string json, string expected) => Problem(json)!.ShouldContain(expected);

    [Fact]
    public void more_than_100000_vertices_are_refused_before_they_are_read()
    {
        var ring = string.Join(",", Enumerable.Range(0, 100_001).Select(i => $"[{113 + i * 1e-6:0.######},34.7]"));
        Problem($$"""{"type":"Polygon","coordinates":[[{{ring}}]]}""").ShouldBe("has more than 100,000 vertices");
    }

    [Fact]
    public void a_valid_multipolygon_with_a_hole_reads()
    {
        var (shape, problem) = GeoJsonReader.Read(JsonDocument.Parse("""
            {"type":"MultiPolygon","coordinates":[[[[113.6,34.7],[113.61,34.7],[113.61,34.71],[113.6,34.71],[113.6,34.7]],
              [[113.602,34.702],[113.602,34.704],[113.604,34.704],[113.604,34.702],[113.602,34.702]]],
              [[[113.62,34.7],[113.63,34.7],[113.63,34.71],[113.62,34.7]]]]}
            """).RootElement);
        problem.ShouldBeNull();
        shape!.Geometry.NumGeometries.ShouldBe(2);
        shape.AreaHa.ShouldBeGreaterThan(0);
    }
}
