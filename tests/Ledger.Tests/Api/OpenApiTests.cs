using System.Net;
using System.Text.Json;
using Ledger.Events;
using Ledger.Tests.Support;
using Shouldly;

namespace Ledger.Tests.Api;

[Collection(LedgerCollection.Name)]
public sealed class OpenApiTests(LedgerApp app)
{
    [Fact]
    public async Task the_openapi_document_describes_every_event_types_data()
    {
        var response = await app.SendAsync(HttpMethod.Get, "/openapi/v1.json", null);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var schemas = doc.GetProperty("components").GetProperty("schemas");
        var mapping = schemas.GetProperty("Event").GetProperty("discriminator").GetProperty("mapping");

        foreach (var spec in EventCatalog.Types)
        {
            var reference = mapping.GetProperty(spec.Name).GetString()!;
            var eventSchema = schemas.GetProperty(reference.Split('/')[^1]);
            var dataRef = eventSchema.GetProperty("properties").GetProperty("data").GetProperty("$ref").GetString()!;
            var data = schemas.GetProperty(dataRef.Split('/')[^1]).GetProperty("properties");
            data.EnumerateObject().Select(p => p.Name).ShouldBe(spec.Fields.Select(f => f.Name), spec.Name);
        }
        doc.GetProperty("paths").GetProperty("/api/v1/events").GetProperty("post").ValueKind.ShouldBe(JsonValueKind.Object);
        doc.GetProperty("paths").GetProperty("/api/v1/audits/departure").GetProperty("post").ValueKind.ShouldBe(JsonValueKind.Object);
        doc.GetProperty("paths").GetProperty("/api/v1/audits/{reportId}.pdf").GetProperty("get").ValueKind.ShouldBe(JsonValueKind.Object);
        doc.GetProperty("paths").GetProperty("/api/v1/regions/{code}/overlaps").GetProperty("get").ValueKind.ShouldBe(JsonValueKind.Object);
        doc.GetProperty("paths").GetProperty("/api/v1/regions/{code}/map").GetProperty("get").ValueKind.ShouldBe(JsonValueKind.Object);
        var canonical = doc.GetProperty("paths").GetProperty("/api/v1/ledger/events/{sequence}/canonical").GetProperty("get").GetProperty("responses");
        canonical.EnumerateObject().Select(r => r.Name).ShouldBe(["200", "400", "403", "404", "503"]);
        canonical.GetProperty("200").GetProperty("headers").EnumerateObject().Select(h => h.Name).ShouldContain("X-Canonical-Sha256");
        var evidence = doc.GetProperty("paths").GetProperty("/api/v1/audits/{reportId}/evidence").GetProperty("get").GetProperty("responses");
        evidence.EnumerateObject().Select(r => r.Name).ShouldBe(["200", "202", "400", "403", "404", "409", "503"]);
        evidence.GetProperty("200").GetProperty("content").GetProperty("application/zip").ValueKind.ShouldBe(JsonValueKind.Object);
        evidence.GetProperty("202").GetProperty("headers").GetProperty("Retry-After").ValueKind.ShouldBe(JsonValueKind.Object);
        var geometry = schemas.GetProperty("FarmlandParcelRegisteredData").GetProperty("properties").GetProperty("geometry");
        geometry.GetProperty("oneOf").EnumerateArray().Select(v => v.GetProperty("properties").GetProperty("type").GetProperty("const").GetString())
            .ShouldBe(["Polygon", "MultiPolygon"]);
    }

    [Fact]
    public async Task the_api_reference_page_is_served()
    {
        var response = await app.SendAsync(HttpMethod.Get, "/docs/", null);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldContain("openapi/v1.json");
    }
}
