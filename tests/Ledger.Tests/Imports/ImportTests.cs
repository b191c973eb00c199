using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Imports;
using Ledger.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using static Ledger.Tests.Imports.LayerFiles;

namespace Ledger.Tests.Imports;

/// <summary>
/// <c>POST /api/v1/imports</c> (contract 1.1): 三调 地类图斑 layers as GeoJSON, zipped Shapefile and
/// GeoPackage become parcels through the same rules as posted events, run as a queued job with
/// progress; a re-import appends nothing; bad features are listed with reasons while the rest go in.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class ImportTests(LedgerApp app) : IAsyncLifetime
{
    private const string QualityFromZldj = """{"qualityGrade":"ZLDJ"}""";
    private string _writer = "";
    private string _auditor = "";

    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        _writer = await app.KeyAsync("writer", "410000");
        _auditor = await app.KeyAsync("auditor", "410000");
        var posted = await app.PostEventsAsync(_writer, Ev.RegionTree());
        posted.StatusCode.ShouldBe(HttpStatusCode.OK, await posted.Content.ReadAsStringAsync());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task a_geojson_layer_becomes_parcels_and_a_second_import_appends_nothing()
    {
        var paddy = Parcel("1001", "0101", 0);
        var file = GeoJson(paddy, Parcel("1002", "0103", 1), Parcel("1003", "0201", 2));
        var status = await ImportAsync(file, "dltb.geojson", QualityFromZldj);
        (status.GetProperty("status").GetString(), Count(status, "featuresRead"), Count(status, "appended"), Count(status, "skipped"), Count(status, "rejectedCount"))
            .ShouldBe(("done", 3, 3, 0, 0)); // 0201 (orchard) is registered as land use (contract 1.8)
        Classes(status).ShouldBe(new Dictionary<string, int> { ["01"] = 2, ["02"] = 1 });
        var orchard = await app.SendAsync(HttpMethod.Get, "/api/v1/streams/landuse/410102-1003", _auditor);
        orchard.StatusCode.ShouldBe(HttpStatusCode.OK, await orchard.Content.ReadAsStringAsync());
        (await orchard.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetProperty("landClass").GetString().ShouldBe("0201");

        var stream = await app.SendAsync(HttpMethod.Get, "/api/v1/streams/farmland/410102-1001", _auditor);
        stream.StatusCode.ShouldBe(HttpStatusCode.OK, await stream.Content.ReadAsStringAsync());
        var state = (await stream.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state");
        state.GetProperty("areaHa").GetDecimal().ShouldBe(Math.Round(paddy.TbdlmjM2 / 10_000m, 4, MidpointRounding.AwayFromZero));
        state.GetProperty("landType").GetString().ShouldBe("paddy");

        var events = await app.EventCountAsync();
        var again = await ImportAsync(file, "dltb.geojson", QualityFromZldj);
        (Count(again, "appended"), Count(again, "duplicates")).ShouldBe((0, 3));
        (await app.EventCountAsync()).ShouldBe(events);
    }

    [Fact]
    public async Task a_land_use_layer_registers_every_class_and_refuses_codes_outside_the_survey()
    {
        // Without a quality-grade mapping the layer's farmland feature cannot be a farmland parcel: it is refused, saying why.
        var file = GeoJson(Parcel("3001", "0301", 0), Parcel("3002", "0303", 1), Parcel("3003", "1104K", 2), Parcel("3004", "0399", 3),
            Parcel("3005", "0101", 4), Parcel("3006", "03", 5));
        var status = await ImportAsync(file, "dltb.geojson", null, layer: "landuse");
        (Count(status, "appended"), Count(status, "rejectedCount"), Count(status, "skipped")).ShouldBe((3, 3, 0));
        Classes(status).ShouldBe(new Dictionary<string, int> { ["00"] = 1, ["03"] = 1, ["11"] = 1 }); // 0303 红树林地 is 湿地
        var reasons = status.GetProperty("rejected").EnumerateArray()
            .ToDictionary(r => r.GetProperty("feature").GetInt32(), r => string.Join(" | ", r.GetProperty("reasons").EnumerateArray().Select(x => x.GetString())));
        reasons[4].ShouldContain("landClass (attribute DLBM) '0399' is not a class of the 三调 工作分类");
        reasons[5].ShouldContain("qualityGrade");
        reasons[6].ShouldContain("'03' is a 一级类");

        var sheet = await app.SendAsync(HttpMethod.Get, "/api/v1/regions/410102/balance-sheet?from=2024-01-01&to=2024-12-31", _auditor);
        var body = await sheet.Content.ReadAsStringAsync();
        sheet.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        var landUse = JsonDocument.Parse(body).RootElement.GetProperty("accounts").EnumerateArray().Single(a => a.GetProperty("account").GetString() == "landUse");
        landUse.GetProperty("classes").EnumerateArray().Select(c => c.GetProperty("class").GetString()).ShouldBe(["00", "03", "11"]);
        landUse.GetProperty("total").GetProperty("registered").GetDecimal().ShouldBeGreaterThan(0m);
    }

    [Fact]
    public async Task bad_features_are_listed_with_reasons_and_the_rest_go_in()
    {
        var selfCrossing = Geo.Polygon((113.60, 34.90), (113.61, 34.91), (113.61, 34.90), (113.60, 34.91), (113.60, 34.90));
        var file = GeoJson(Parcel("2001", "0101", 0), ("2002", "0101", 1000m, selfCrossing), Parcel("", "0102", 3),
            Parcel("2004", "0101", 4) with { TbdlmjM2 = 99_999_999m });
        var status = await ImportAsync(file, "dltb.geojson", QualityFromZldj);
        (Count(status, "appended"), Count(status, "rejectedCount")).ShouldBe((1, 3));
        var reasons = status.GetProperty("rejected").EnumerateArray()
            .ToDictionary(r => r.GetProperty("feature").GetInt32(), r => string.Join(" | ", r.GetProperty("reasons").EnumerateArray().Select(x => x.GetString())));
        reasons[2].ShouldContain("Self-intersection");
        reasons[3].ShouldContain("key (attribute BSM) is empty");
        reasons[4].ShouldContain("more than its geometry's ellipsoidal area");
    }

    [Fact]
    public async Task features_outside_the_writers_scope_are_rejected()
    {
        var county = await app.KeyAsync("writer", "410103");
        var status = await ImportAsync(GeoJson(Parcel("3001", "0101", 0)), "dltb.geojson", QualityFromZldj, county);
        (Count(status, "appended"), Count(status, "rejectedCount")).ShouldBe((0, 1));
        status.GetProperty("rejected")[0].GetProperty("reasons")[0].GetString()!.ShouldContain("outside the importing client's scope 410103");
    }

    [Fact]
    public async Task a_zipped_shapefile_and_a_geopackage_import_like_geojson()
    {
        var shp = await ImportAsync(ZippedShapefile(Cgcs2000Prj, Parcel("4001", "0101", 0), Parcel("4002", "0102", 1)), "dltb.zip", QualityFromZldj);
        (shp.GetProperty("status").GetString(), Count(shp, "appended")).ShouldBe(("done", 2), shp.ToString());
        var gpkg = await ImportAsync(GeoPackage(4490, Parcel("5001", "0103", 2)), "dltb.gpkg", QualityFromZldj);
        (gpkg.GetProperty("status").GetString(), Count(gpkg, "appended")).ShouldBe(("done", 1), gpkg.ToString());
        var stream = await app.SendAsync(HttpMethod.Get, "/api/v1/streams/farmland/410102-5001", _auditor);
        (await stream.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetProperty("landType").GetString().ShouldBe("dry");
    }

    [Fact]
    public async Task a_zipped_filegdb_imports_through_ogr2ogr_like_the_other_formats()
    {
        var gdb = await ImportAsync(ZippedFileGdb(Parcel("6001", "0101", 3), Parcel("6002", "0103", 4)), "dltb-gdb.zip", QualityFromZldj);
        (gdb.GetProperty("status").GetString(), Count(gdb, "appended")).ShouldBe(("done", 2), gdb.ToString());
        var stream = await app.SendAsync(HttpMethod.Get, "/api/v1/streams/farmland/410102-6002", _auditor);
        var state = (await stream.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state");
        (state.GetProperty("landType").GetString(), state.GetProperty("qualityGrade").GetInt32()).ShouldBe(("dry", 4));
        var again = await ImportAsync(ZippedFileGdb(Parcel("6001", "0101", 3), Parcel("6002", "0103", 4)), "dltb-gdb.zip", QualityFromZldj);
        (again.GetProperty("status").GetString(), Count(again, "appended")).ShouldBe(("done", 0), again.ToString());
    }

    [Theory]
    [InlineData("layer", "forest", null, "layer")]
    [InlineData("effectiveDate", "2024-13-01", null, "effectiveDate")]
    [InlineData("mapping", "{\"colour\":\"YS\"}", null, "mapping.colour")]
    [InlineData("mapping", "[1]", null, "mapping")]
    [InlineData("mapping", "{\"key\":\"NOSUCH\",\"qualityGrade\":\"ZLDJ\"}", null, "mapping.key")]
    [InlineData("mapping", "{}", null, "mapping.qualityGrade")]
    public async Task a_bad_form_is_refused_naming_the_field_and_nothing_is_stored(string field, string value, string? unused, string named)
    {
        _ = unused;
        var form = Form(GeoJson(Parcel("6001", "0101", 0)), "dltb.geojson", QualityFromZldj);
        Replace(form, field, value);
        var response = await PostAsync(form, _writer);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync());
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0].GetProperty("field").GetString().ShouldBe(named);
        (await ImportCountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task files_that_are_not_what_they_say_are_refused_before_anything_is_stored()
    {
        var truncated = GeoPackage(4490, Parcel("7001", "0101", 0));
        foreach (var (bytes, name, expected) in new[]
                 {
                     (new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3 }, "dltb.gpkg", "is not a GeoPackage, a zip"),
                     (truncated[..(truncated.Length / 3)], "dltb.gpkg", "is not a readable GeoPackage"),
                     ("PK\u0003\u0004garbage"u8.ToArray(), "dltb.zip", "is not a readable zip"),
                     (GeoPackage(4326, Parcel("7002", "0101", 0)), "dltb.gpkg", "only CGCS2000 longitude/latitude"),
                     (ZippedShapefile(GaussKrugerPrj, Parcel("7003", "0101", 0)), "dltb.zip", "CGCS2000_3_Degree_GK_CM_114E"),
                     ("{\"type\":\"Feature\"}"u8.ToArray(), "dltb.geojson", "is not a GeoJSON FeatureCollection"),
                 })
        {
            var response = await PostAsync(Form(bytes, name, QualityFromZldj), _writer);
            var body = await response.Content.ReadAsStringAsync();
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, body);
            body.ShouldContain(expected, customMessage: name);
        }
        (await ImportCountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task an_upload_declaring_more_than_the_limit_is_refused_unread()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/imports");
        request.Headers.Add("X-Api-Key", _writer);
        request.Content = new ByteArrayContent(new byte[16]);
        request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=x");
        request.Content.Headers.ContentLength = 2L * 1024 * 1024 * 1024;
        var response = await app.Http.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        (await response.Content.ReadAsStringAsync()).ShouldContain("LEDGER_IMPORT_MAX_MB");
    }

    [Fact]
    public void a_zip_bomb_stops_at_the_unpacking_limit()
    {
        var folder = Directory.CreateTempSubdirectory("ledger-test-bomb-").FullName;
        try
        {
            var zip = Path.Combine(folder, "bomb.zip");
            using (var archive = System.IO.Compression.ZipFile.Open(zip, System.IO.Compression.ZipArchiveMode.Create))
            using (var entry = archive.CreateEntry("zeros.shp", System.IO.Compression.CompressionLevel.SmallestSize).Open())
                entry.Write(new byte[8 * 1024 * 1024]);
            new FileInfo(zip).Length.ShouldBeLessThan(100_000);
            Should.Throw<ImportFileException>(() => ImportFiles.Unzip(zip, Path.Combine(folder, "out"), maxBytes: 1024 * 1024))
                .Message.ShouldContain("unpacks to more than 1 MiB");
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Fact]
    public async Task a_key_that_comes_back_in_a_later_batch_is_a_duplicate_or_a_conflict_never_a_second_version()
    {
        // 2,500 features are three batches. Feature 1,500 reuses feature 10's key with another class (a conflict: the first
        // stays), and feature 2,100 repeats feature 1,200 exactly (a duplicate), each in the batch after the first's.
        (string, string, decimal, JsonObject) At(int i, string bsm, string dlbm)
        {
            var cell = Geo.Cell(i % 50, 20 + i / 50, 0.5, 0.5);
            return (bsm, dlbm, Math.Round(Geo.AreaHa(cell) * 10_000m * 0.9m, 2), cell);
        }
        var parcels = Enumerable.Range(1, 2500).Select(i => i switch
        {
            1500 => At(10, "90010", "0102"),
            2100 => At(1200, "91200", "0101"),
            _ => At(i, $"9{i:D4}", "0101"),
        }).ToArray();
        var status = await ImportAsync(GeoJson(parcels), "dltb.geojson", QualityFromZldj);
        (status.GetProperty("status").GetString(), Count(status, "featuresRead"), Count(status, "appended"), Count(status, "duplicates"),
            Count(status, "rejectedCount")).ShouldBe(("done", 2500, 2498, 1, 1));
        var rejected = status.GetProperty("rejected").EnumerateArray().Single();
        rejected.GetProperty("feature").GetInt32().ShouldBe(1500);
        rejected.GetProperty("reasons")[0].GetString()!.ShouldContain("already used for different content");
        var first = await app.SendAsync(HttpMethod.Get, "/api/v1/streams/farmland/410102-90010", _auditor);
        (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetProperty("landType").GetString().ShouldBe("paddy");
    }

    [Fact]
    public async Task a_job_started_again_resumes_after_the_features_its_progress_counted()
    {
        var done = await ImportAsync(GeoJson(Parcel("8001", "0101", 0)), "a.geojson", QualityFromZldj);
        var id = Guid.Parse(done.GetProperty("importId").GetString()!);
        // A second upload of three parcels whose job "crashed" after its first batch had counted one feature.
        var file = GeoJson(Parcel("8001", "0101", 0), Parcel("8002", "0101", 1), Parcel("8003", "0102", 2));
        var resumed = Guid.NewGuid();
        await app.ExecuteSqlAsync($"""
            insert into ledger.imports (id, client, scope, layer, effective_date, mapping, file_name, file_bytes, file, created_at)
            select '{resumed}', client, scope, layer, effective_date, mapping, 'b.geojson', {file.Length}, decode('{Convert.ToHexString(file)}', 'hex'), created_at
            from ledger.imports where id = '{id}';
            insert into ledger.import_progress (import_id, n, status, features_read, appended, duplicates, skipped, rejected_count, rejected, at)
            values ('{resumed}', 1, 'running', 1, 0, 1, 0, 0, '[]', now());
            """);
        await app.Services.GetRequiredService<ImportRunner>().RunAsync(resumed, CancellationToken.None);
        var status = await StatusAsync(resumed.ToString());
        (status.GetProperty("status").GetString(), Count(status, "featuresRead"), Count(status, "appended"), Count(status, "duplicates"))
            .ShouldBe(("done", 3, 2, 1)); // feature 1 was not read again
    }

    [Fact]
    public async Task status_is_private_to_the_scope_and_ids_are_checked()
    {
        var status = await ImportAsync(GeoJson(Parcel("9001", "0101", 0)), "dltb.geojson", QualityFromZldj);
        var id = status.GetProperty("importId").GetString()!;
        var other = await app.KeyAsync("auditor", "420000");
        (await app.SendAsync(HttpMethod.Get, $"/api/v1/imports/{id}", other)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await app.SendAsync(HttpMethod.Get, "/api/v1/imports/not-a-uuid", _auditor)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await app.SendAsync(HttpMethod.Get, $"/api/v1/imports/{id}?waitSeconds=61", _auditor)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        // A finished import answers at once, whatever the wait.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        (await StatusAsync(id, "?waitSeconds=60")).GetProperty("status").GetString().ShouldBe("done");
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(30));
        var auditorPost = await PostAsync(Form(GeoJson(Parcel("9002", "0101", 0)), "dltb.geojson", QualityFromZldj), _auditor);
        auditorPost.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task the_command_line_uploads_shows_progress_and_exits_by_the_outcome()
    {
        var file = Path.Combine(Path.GetTempPath(), $"ledger-cli-{Guid.NewGuid():N}.geojson");
        await File.WriteAllBytesAsync(file, GeoJson(Parcel("9101", "0101", 0), Parcel("9102", "0201", 1)));
        var previous = Environment.GetEnvironmentVariable("LEDGER_API_KEY");
        try
        {
            Environment.SetEnvironmentVariable("LEDGER_API_KEY", _writer);
            var (output, error) = (new StringWriter(), new StringWriter());
            var exit = await Ledger.Api.Imports.ImportCommand.RunAsync(
                ["import", file, "--layer", "farmland", "--effective-date", "2024-01-01", "--mapping", QualityFromZldj, "--url", "http://localhost"],
                output, error, app.Server.CreateHandler());
            exit.ShouldBe(0, error.ToString());
            error.ToString().ShouldContain("[####################] 2/2 features · 2 appended · 0 duplicates · 0 skipped · 0 rejected (done)");

            var refused = await Ledger.Api.Imports.ImportCommand.RunAsync(
                ["import", file, "--layer", "forest", "--effective-date", "2024-01-01", "--url", "http://localhost"], output, error, app.Server.CreateHandler());
            refused.ShouldBe(1);
            error.ToString().ShouldContain("refused (400): layer: must be one of farmland, landuse, redline, mining");
            (await Ledger.Api.Imports.ImportCommand.RunAsync(["import", file], output, error)).ShouldBe(2);
        }
        finally
        {
            Environment.SetEnvironmentVariable("LEDGER_API_KEY", previous);
            File.Delete(file);
        }
    }

    private async Task<JsonElement> ImportAsync(byte[] file, string name, string? mapping, string? key = null, string layer = "farmland")
    {
        var response = await PostAsync(Form(file, name, mapping, layer), key ?? _writer);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, body);
        var id = JsonDocument.Parse(body).RootElement.GetProperty("importId").GetString()!;
        response.Headers.Location!.ToString().ShouldBe($"/api/v1/imports/{id}");
        // Each answer waits on the server for the job's next progress row (at most 30 s).
        for (var i = 0; i < 10; i++)
        {
            var status = await StatusAsync(id, "?waitSeconds=30");
            if (status.GetProperty("status").GetString() is "done" or "failed") return status;
        }
        throw new TimeoutException($"import {id} did not finish after ten progress waits");
    }

    private async Task<JsonElement> StatusAsync(string id, string query = "")
    {
        var response = await app.SendAsync(HttpMethod.Get, $"/api/v1/imports/{id}{query}", _writer);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static Dictionary<string, (byte[] Bytes, string? FileName)> Form(byte[] file, string name, string? mapping, string layer = "farmland")
    {
        var form = new Dictionary<string, (byte[], string?)>
        {
            ["file"] = (file, name), ["layer"] = (System.Text.Encoding.UTF8.GetBytes(layer), null), ["effectiveDate"] = ("2024-01-01"u8.ToArray(), null),
        };
        if (mapping is not null) form["mapping"] = (System.Text.Encoding.UTF8.GetBytes(mapping), null);
        return form;
    }

    private static void Replace(Dictionary<string, (byte[] Bytes, string? FileName)> form, string field, string value) =>
        form[field] = (System.Text.Encoding.UTF8.GetBytes(value), null);

    private async Task<HttpResponseMessage> PostAsync(Dictionary<string, (byte[] Bytes, string? FileName)> form, string key)
    {
        using var content = new MultipartFormDataContent();
        foreach (var (name, (bytes, fileName)) in form)
            if (fileName is null) content.Add(new ByteArrayContent(bytes), name);
            else content.Add(new ByteArrayContent(bytes), name, fileName);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/imports") { Content = content };
        request.Headers.Add("X-Api-Key", key);
        return await app.Http.SendAsync(request);
    }

    private async Task<long> ImportCountAsync()
    {
        await using var conn = new Npgsql.NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand("select count(*) from ledger.imports", conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private static int Count(JsonElement status, string name) => status.GetProperty(name).GetInt32();

    private static Dictionary<string, int> Classes(JsonElement status) =>
        status.GetProperty("classes").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());
}
