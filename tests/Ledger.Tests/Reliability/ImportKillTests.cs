using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Storage;
using Ledger.Tests.Imports;
using Ledger.Tests.Support;
using Npgsql;
using Shouldly;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Reliability;

/// <summary>
/// An acknowledged import is durable work: its job sits in Wolverine's inbox on PostgreSQL, so a
/// service killed (SIGKILL, no shutdown) in the middle of an import finishes it after a restart,
/// from where its progress rows stop, and no feature is stored twice.
/// </summary>
public sealed class ImportKillTests
{
    private const int Features = 4000;
    private const string AdminKey = "import-kill-admin";

    [Fact]
    public async Task an_import_cut_off_by_a_killed_service_resumes_after_the_restart_and_stores_every_feature_once()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"ledger-import-kill-{Guid.NewGuid():N}");
        var pg = await EmbeddedPostgres.StartAsync(dir, durable: false);
        var first = new ApiProcess(pg.ConnectionString(), AdminKey, ServiceFolder.KeyFile(dir));
        var second = new ApiProcess(pg.ConnectionString(), AdminKey, ServiceFolder.KeyFile(dir));
        try
        {
            await first.StartAsync();
            using var http = new HttpClient { BaseAddress = first.BaseAddress, Timeout = TimeSpan.FromSeconds(90) };
            var writer = await first.IssueKeyAsync("importer", "writer", "410000");
            (await SendAsync(http, writer, HttpMethod.Post, "/api/v1/events",
                new JsonObject { ["events"] = new JsonArray(RegionTree().Select(e => (JsonNode)e).ToArray()) })).StatusCode.ShouldBe(HttpStatusCode.OK);

            var id = await UploadAsync(http, writer);
            // Killed as soon as the first batch's progress row is written: most of the layer is still to do.
            var cut = await WaitAsync(http, writer, id, s => s.GetProperty("featuresRead").GetInt32() > 0);
            await first.KillAsync();
            cut.GetProperty("status").GetString().ShouldBe("running", cut.ToString());
            cut.GetProperty("featuresRead").GetInt32().ShouldBeLessThan(Features);

            await second.StartAsync();
            using var again = new HttpClient { BaseAddress = second.BaseAddress, Timeout = TimeSpan.FromSeconds(90) };
            var done = await WaitAsync(again, writer, id, s => s.GetProperty("status").GetString() is "done" or "failed");

            done.GetProperty("status").GetString().ShouldBe("done", done.ToString());
            done.GetProperty("featuresRead").GetInt32().ShouldBe(Features);
            (done.GetProperty("appended").GetInt32() + done.GetProperty("duplicates").GetInt32()).ShouldBe(Features);
            (await CountAsync(pg.ConnectionString(), "select count(*) from ledger.mt_events where type = 'farmland.parcel-registered'")).ShouldBe(Features);
            (await CountAsync(pg.ConnectionString(), "select count(distinct stream_id) from ledger.mt_events where stream_id like 'farmland:%'")).ShouldBe(Features);
        }
        finally
        {
            await first.DisposeAsync();
            await second.DisposeAsync();
            await pg.StopAsync();
            ServiceFolder.Remove(dir);
        }
    }

    /// <summary>A 三调 layer of <see cref="Features"/> small parcels in county 410102, on a 100-column grid.</summary>
    private static byte[] Layer() => LayerFiles.GeoJson(Enumerable.Range(0, Features).Select(i =>
    {
        var cell = Geo.Cell(i % 100, 20 + i / 100, 0.5, 0.5);
        return ($"K{i:00000}", "0101", Math.Round(Geo.AreaHa(cell) * 10_000m * 0.9m, 2), cell);
    }).ToArray());

    private static async Task<string> UploadAsync(HttpClient http, string key)
    {
        using var content = new MultipartFormDataContent
        {
            { new ByteArrayContent(Layer()), "file", "dltb.geojson" },
            { new StringContent("farmland"), "layer" },
            { new StringContent("2024-01-01"), "effectiveDate" },
            { new StringContent("""{"qualityGrade":"ZLDJ"}"""), "mapping" },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/imports") { Content = content };
        request.Headers.Add("X-Api-Key", key);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("importId").GetString()!;
    }

    /// <summary>Long-polls the status (the server answers at the job's next progress row) until <paramref name="until"/> holds.</summary>
    private static async Task<JsonElement> WaitAsync(HttpClient http, string key, string id, Func<JsonElement, bool> until)
    {
        for (var i = 0; i < 40; i++)
        {
            using var response = await SendAsync(http, key, HttpMethod.Get, $"/api/v1/imports/{id}?waitSeconds=5");
            response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            var status = await response.Content.ReadFromJsonAsync<JsonElement>();
            if (until(status)) return status;
        }
        throw new TimeoutException($"import {id} did not reach the awaited state within 40 progress waits");
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, string key, HttpMethod method, string url, JsonObject? body = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        request.Headers.Add("X-Api-Key", key);
        return await http.SendAsync(request);
    }

    private static async Task<long> CountAsync(string connectionString, string sql)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
