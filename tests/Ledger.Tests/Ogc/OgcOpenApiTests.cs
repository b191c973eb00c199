using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Tests.Spatial;
using Ledger.Tests.Support;
using Shouldly;

namespace Ledger.Tests.Ogc;

/// <summary>
/// The OpenAPI document is what a client may send to the OGC resources (Part 1 refuses anything
/// else): every query parameter it declares is one the resource takes, and the resource takes no other.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class OgcOpenApiTests(LedgerApp app) : IAsyncLifetime
{
    private string _auditor = "";

    public async Task InitializeAsync()
    {
        await MapScenario.LoadAsync(app);
        _auditor = await app.KeyAsync("auditor", "410102");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task every_declared_parameter_is_taken_and_no_other()
    {
        var paths = (await app.Http.GetFromJsonAsync<JsonElement>("/openapi/v1.json")).GetProperty("paths");
        var ogc = paths.EnumerateObject().Where(p => p.Name.StartsWith("/api/v1/regions/{code}/ogc", StringComparison.Ordinal)).ToList();
        ogc.Count.ShouldBe(6);
        foreach (var path in ogc)
        {
            path.Value.TryGetProperty("head", out _).ShouldBeTrue(path.Name);
            var url = path.Name.Replace("{code}", "410102").Replace("{collectionId}", "redline").Replace("{featureId}", MapScenario.ZoneKey);
            var declared = path.Value.GetProperty("get").GetProperty("parameters").EnumerateArray()
                .Where(p => p.GetProperty("in").GetString() == "query").Select(p => p.GetProperty("name").GetString()!).ToList();
            declared.ShouldContain("knownAt");
            foreach (var name in declared.Append("undeclared"))
            {
                var response = await app.SendAsync(HttpMethod.Get, $"{url}?{name}=x", _auditor);
                var body = await response.Content.ReadAsStringAsync();
                if (name == "undeclared") body.ShouldContain("undeclared: is not a parameter of this resource", customMessage: url);
                else body.ShouldNotContain("is not a parameter of this resource", customMessage: $"{url} {name}");
            }
        }
        var limit = paths.GetProperty("/api/v1/regions/{code}/ogc/collections/{collectionId}/items").GetProperty("get").GetProperty("parameters")
            .EnumerateArray().Single(p => p.GetProperty("name").GetString() == "limit").GetProperty("schema");
        limit.GetProperty("maximum").GetInt32().ShouldBe(Ledger.Api.Ogc.OgcParameters.MaxLimit);
        limit.GetProperty("default").GetInt32().ShouldBe(100);
    }

    [Fact]
    public async Task a_declared_parameter_with_a_good_value_is_answered()
    {
        var response = await app.SendAsync(HttpMethod.Get,
            $"{OgcTests.Root}/collections/redline/items?f=json&limit=5&bbox=113,34,114,35&bbox-crs=http://www.opengis.net/def/crs/OGC/1.3/CRS84" +
            "&datetime=2024-01-01&knownAt=2026-03-01T09:00:00Z&crs=http://www.opengis.net/def/crs/OGC/1.3/CRS84&after=410102-RL00", _auditor);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }
}
