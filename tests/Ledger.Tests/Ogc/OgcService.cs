using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Storage;
using Ledger.Tests.Reliability;
using Ledger.Tests.Spatial;
using Ledger.Tests.Support;
using NodaTime;
using NodaTime.Text;
using Shouldly;

namespace Ledger.Tests.Ogc;

/// <summary>
/// The real service on a real port (GDAL cannot reach the in-memory test server) over its own
/// PostgreSQL, holding the map scenario: the first batch, then zone RL02 recorded later. GDAL
/// (Debian's gdal-bin, which ./test.sh installs with ensure_gdal) is run against it as a desktop
/// GIS user would, sending the key with GDAL_HTTP_HEADERS.
/// </summary>
public sealed class OgcService : IAsyncLifetime
{
    public const string AdminKey = "ogc-admin";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"ledger-ogc-{Guid.NewGuid():N}");
    private EmbeddedPostgres? _pg;
    private ApiProcess? _api;

    public HttpClient Http { get; private set; } = null!;
    public string Auditor { get; private set; } = "";
    public string Writer { get; private set; } = "";
    /// <summary>When the first batch was recorded: as known then, RL02 is not yet on the map.</summary>
    public Instant FirstRecorded { get; private set; }
    public string Root => $"{_api!.BaseAddress.ToString().TrimEnd('/')}{OgcTests.Root}";

    public async Task InitializeAsync()
    {
        _pg = await EmbeddedPostgres.StartAsync(_dir, durable: false);
        _api = new ApiProcess(_pg.ConnectionString(), AdminKey, ServiceFolder.KeyFile(_dir));
        await _api.StartAsync();
        Http = new HttpClient { BaseAddress = _api.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        Writer = await _api.IssueKeyAsync("ogc-writer", "writer", "410000");
        Auditor = await _api.IssueKeyAsync("ogc-auditor", "auditor", "410102");
        FirstRecorded = await PostAsync(MapScenario.First());
        await PostAsync([MapScenario.LaterZone()]);
    }

    public async Task<Instant> PostAsync(JsonObject[] events)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events")
        {
            Content = JsonContent.Create(new JsonObject { ["events"] = new JsonArray(events.Select(e => (JsonNode)e.DeepClone()).ToArray()) }),
        };
        request.Headers.Add("X-Api-Key", Writer);
        using var response = await Http.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var results = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("results");
        return InstantPattern.ExtendedIso.Parse(results[results.GetArrayLength() - 1].GetProperty("recordedAt").GetString()!).Value;
    }

    public async Task<JsonElement> GetAsync(string pathAndQuery)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.Add("X-Api-Key", Auditor);
        using var response = await Http.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Runs a GDAL tool with the auditor's key in a header and GDAL's HTTP log on; its exit code and everything it wrote.</summary>
    public async Task<(int Exit, string Output, string Log)> GdalAsync(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["GDAL_HTTP_HEADERS"] = $"X-Api-Key: {Auditor}";
        start.Environment["CPL_DEBUG"] = "ON";
        using var gdal = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start");
        var output = gdal.StandardOutput.ReadToEndAsync();
        var log = gdal.StandardError.ReadToEndAsync();
        await gdal.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (gdal.ExitCode, await output, await log);
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (_api is not null) await _api.DisposeAsync();
        if (_pg is not null) await _pg.StopAsync();
        ServiceFolder.Remove(_dir);
    }
}
