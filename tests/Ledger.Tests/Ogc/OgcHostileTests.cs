using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Tests.Spatial;
using Ledger.Tests.Support;
using Shouldly;

namespace Ledger.Tests.Ogc;

/// <summary>What GIS clients and worse send the OGC service: every refusal a 400/403/404 problem naming what was wrong.</summary>
[Collection(LedgerCollection.Name)]
public sealed class OgcHostileTests(LedgerApp app) : IAsyncLifetime
{
    private const string Items = OgcTests.Root + "/collections/redline/items";
    private string _auditor = "";

    public async Task InitializeAsync()
    {
        await MapScenario.LoadAsync(app);
        _auditor = await app.KeyAsync("auditor", "410102");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("bbox=1,2,3", "bbox", "four numbers")]
    [InlineData("bbox=1,2,3,4,5", "bbox", "four numbers")]
    [InlineData("bbox=a,b,c,d", "bbox", "four numbers")]
    [InlineData("bbox=113,34,NaN,35", "bbox", "four numbers")]
    [InlineData("bbox=113,34,1e999,35", "bbox", "four numbers")]
    [InlineData("bbox=113,34,500,35", "bbox", "-180–180")]
    [InlineData("bbox=113,35,114,34", "bbox", "north of")]
    [InlineData("bbox=", "bbox", "four numbers")]
    [InlineData("bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4490", "bbox-crs", "without a bbox")]
    [InlineData("bbox=113,34,114,35&bbox-crs=EPSG:4326", "bbox-crs", "not a supported CRS")]
    [InlineData("crs=EPSG:4490", "crs", "not a supported CRS")]
    [InlineData("crs=http://www.opengis.net/def/crs/EPSG/0/4326", "crs", "CRS84")]
    [InlineData("datetime=2024-13-01", "datetime", "RFC 3339")]
    [InlineData("datetime=2024-02-30T00:00:00Z", "datetime", "RFC 3339")]
    [InlineData("datetime=2024-01-01T00:00:00", "datetime", "RFC 3339")]
    [InlineData("datetime=yesterday", "datetime", "RFC 3339")]
    [InlineData("datetime=..", "datetime", "open end without an interval")]
    [InlineData("datetime=", "datetime", "open end without an interval")]
    [InlineData("datetime=2025-01-01/2024-01-01", "datetime", "after its end")]
    [InlineData("datetime=2024-01-01/2024-02-01/2024-03-01", "datetime", "has 2 '/'")]
    [InlineData("datetime=2024-01-01/tomorrow", "datetime", "the end 'tomorrow'")]
    [InlineData("datetime=0000-01-01", "datetime", "outside the years 0001–9999")]
    [InlineData("datetime=9999-12-31T23:59:59Z", "datetime", "outside the years 0001–9999")]
    [InlineData("datetime=9999-12-31T23:59:59Z/..", "datetime", "after the year 9999")]
    [InlineData("datetime=../0000-06-01T00:00:00Z", "datetime", "before the year 0001")]
    [InlineData("limit=unlimited", "limit", "no unlimited page")]
    [InlineData("limit=0", "limit", "from 1")]
    [InlineData("limit=-1", "limit", "from 1")]
    [InlineData("limit=1.5", "limit", "from 1")]
    [InlineData("limit=", "limit", "from 1")]
    [InlineData("limit=5&limit=6", "limit", "more than once")]
    [InlineData("knownAt=2024-01-01", "knownAt", "UTC instant")]
    [InlineData("knownAt=2024-01-01T00:00:00+08:00", "knownAt", "UTC instant")]
    [InlineData("f=html", "f", "only format is JSON")]
    [InlineData("foo=1", "foo", "not a parameter")]
    [InlineData("BBOX=113,34,114,35", "BBOX", "not a parameter")]
    [InlineData("offset=10", "offset", "not a parameter")]
    [InlineData("after=", "after", "feature id")]
    [InlineData("knownThrough=12", "knownThrough", "database:position")]
    [InlineData("knownThrough=nowhere:12", "knownThrough", "database:position")]
    [InlineData("knownThrough=catalogue:-1", "knownThrough", "database:position")]
    [InlineData("knownThrough=catalogue:1,catalogue:2", "knownThrough", "database:position")]
    public async Task a_bad_parameter_is_a_400_naming_it(string query, string field, string says)
    {
        var problem = await ProblemAsync($"{Items}?{query}", HttpStatusCode.BadRequest);
        var error = problem.GetProperty("errors")[0];
        error.GetProperty("field").GetString().ShouldBe(field);
        error.GetProperty("message").GetString()!.ShouldContain(says);
    }

    [Theory]
    [InlineData("datetime=0000-01-01T00:00:00Z/..")]
    [InlineData("datetime=0000-01-01T00:00:00Z/2026-03-01T00:00:00Z")]
    [InlineData("datetime=../..")]
    [InlineData("datetime=0000-01-01T00:00:00%2B14:00/..")]
    [InlineData("datetime=2020-01-01/9999-12-31T23:59:59Z")]
    [InlineData("datetime=9999-12-31")]
    [InlineData("datetime=/2026-01-01")]
    [InlineData("datetime=2024-01-01t00:00:00z")]
    [InlineData("datetime=2024-01-01T00:00:00.123456789%2B08:00")]
    [InlineData("bbox=-180,-90,180,90,0,100")]
    [InlineData("bbox=170,-90,-170,90")]
    [InlineData("limit=5&limit=5")]
    [InlineData("f=json")]
    public async Task what_the_standard_allows_is_answered(string query)
    {
        var response = await app.SendAsync(HttpMethod.Get, $"{Items}?{query}", _auditor);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task an_antimeridian_box_is_two_boxes_and_holds_nothing_here()
    {
        var response = await app.SendAsync(HttpMethod.Get, $"{Items}?bbox=170,-90,-170,90", _auditor);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("numberMatched").GetInt64().ShouldBe(0);
        var across = await app.SendAsync(HttpMethod.Get, $"{Items}?bbox=100,-90,-170,90", _auditor);
        (await across.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("numberMatched").GetInt64().ShouldBe(2);
    }

    [Theory]
    [InlineData("/collections?limit=10")]
    [InlineData("/conformance?bbox=1,2,3,4")]
    [InlineData("?crs=http://www.opengis.net/def/crs/EPSG/0/4490")]
    [InlineData("/collections/redline/items/410102-RL01?limit=1")]
    public async Task a_resource_refuses_the_parameters_of_another(string path)
    {
        var problem = await ProblemAsync($"{OgcTests.Root}{path}", HttpStatusCode.BadRequest);
        problem.GetProperty("errors")[0].GetProperty("message").GetString()!.ShouldContain("is not a parameter of this resource");
    }

    [Fact]
    public async Task scope_comes_before_anything_about_the_request()
    {
        var other = await app.KeyAsync("auditor", "410103");
        (await app.SendAsync(HttpMethod.Get, $"{Items}?bbox=x&foo=1", other)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await app.SendAsync(HttpMethod.Get, "/api/v1/regions/410103/ogc/collections/roads", _auditor)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var writer = await app.KeyAsync("writer", "410102");
        (await app.SendAsync(HttpMethod.Get, OgcTests.Root, writer)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await app.SendAsync(HttpMethod.Get, OgcTests.Root, null)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await app.SendAsync(HttpMethod.Head, OgcTests.Root, null)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("/api/v1/regions/410199/ogc", "not registered")]
    [InlineData("/api/v1/regions/4101０2/ogc", "six-digit")]
    [InlineData(OgcTests.Root + "/collections/Redline", "there is no collection 'Redline'")]
    [InlineData(OgcTests.Root + "/collections/roads/items?limit=1", "there is no collection 'roads'")]
    [InlineData(OgcTests.Root + "/collections/redline/items/no%20such", "has no feature 'no such'")]
    public async Task unknown_regions_collections_and_features_are_named(string url, string says)
    {
        var national = await app.KeyAsync("auditor");
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("X-Api-Key", national);
        var response = await app.Http.SendAsync(request);
        ((int)response.StatusCode).ShouldBeOneOf(400, 404);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await response.Content.ReadAsStringAsync()).ShouldContain(says);
    }

    private async Task<JsonElement> ProblemAsync(string url, HttpStatusCode status)
    {
        var response = await app.SendAsync(HttpMethod.Get, url, _auditor);
        response.StatusCode.ShouldBe(status, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
