using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ledger.Tests.Support;
using Shouldly;

namespace Ledger.Tests.Ogc;

/// <summary>Reads the in-process service as one key: a 200 JSON answer, a problem, or the map's features to compare with.</summary>
public sealed class OgcReader(LedgerApp app, string key)
{
    public async Task<List<JsonElement>> MapFeaturesAsync(string query)
    {
        var response = await app.SendAsync(HttpMethod.Get, $"/api/v1/regions/410102/map{query}", key);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("features").EnumerateArray().ToList();
    }

    public async Task<JsonElement> JsonAsync(string url)
    {
        var response = await app.SendAsync(HttpMethod.Get, url, key);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{url}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<JsonElement> ProblemAsync(string url, HttpStatusCode status)
    {
        var response = await app.SendAsync(HttpMethod.Get, url, key);
        response.StatusCode.ShouldBe(status, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
