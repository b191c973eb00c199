using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Imports;
using Ledger.Tests.Reliability;
using Ledger.Tests.Regions;
using Ledger.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Hostile;

/// <summary>
/// The attacks of the second security review (issue 29), each against the service as its own
/// process (its memory, temp folder and queue are its own), showing the fix.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class HostileProcessTests(LedgerApp app) : IAsyncLifetime
{
    private const string QualityFromZldj = """{"qualityGrade":"ZLDJ"}""";
    private readonly List<string> _cleanup = [];
    private ApiProcess? _api;
    private HttpClient? _http;

    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        var setup = await app.PostEventsAsync(await app.KeyAsync("writer"), [
            .. RegionTree(), Region("980000", "province", "000000"), Region("980100", "prefecture", "980000"), Region("980101", "county", "980100"),
            Region("990000", "province", "000000"), Region("990100", "prefecture", "990000"), Region("990199", "county", "990100"),
            Parcel("980101-P1").With("regionCode", "980101"),
        ]);
        setup.StatusCode.ShouldBe(HttpStatusCode.OK, await setup.Content.ReadAsStringAsync());
    }

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        if (_api is not null) await _api.DisposeAsync();
        foreach (var path in _cleanup)
            try { if (Directory.Exists(path)) Directory.Delete(path, true); else File.Delete(path); }
            catch (IOException) { }
    }

    private async Task<ApiProcess> StartAsync(Dictionary<string, string>? environment = null)
    {
        var keyFile = Path.Combine(Path.GetTempPath(), $"hostile-key-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(keyFile, LedgerApp.CheckpointKeyPem);
        _cleanup.Add(keyFile);
        _api = new ApiProcess(app.ConnectionString, LedgerApp.AdminKey, keyFile, environment);
        await _api.StartAsync();
        _http = new HttpClient { BaseAddress = _api.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        return _api;
    }

    [Fact]
    public async Task a_province_writer_cannot_retire_another_provinces_county_and_that_province_writes_on()
    {
        var api = await StartAsync();
        var writer99 = await api.IssueKeyAsync("w99", "writer", "990000");
        var writer98 = await api.IssueKeyAsync("w98", "writer", "980000");
        var takeover = Lineages.Succeeded("990199", "merger", "2025-01-01", "980101");

        var refused = await SendAsync(HttpMethod.Post, "/api/v1/events", writer99, Json(new JsonObject { ["events"] = new JsonArray(takeover.DeepClone()) }));
        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("\"field\":\"events[0].data.predecessors[0]\"");
        var bulk = await SendAsync(HttpMethod.Post, "/api/v1/events/bulk", writer99,
            new StringContent(takeover.ToJsonString() + "\n", Encoding.UTF8, "application/x-ndjson"));
        (await bulk.Content.ReadAsStringAsync()).ShouldContain("outside the client's scope 990000");

        // Province 98 is unharmed: its writer appends to its own parcel, after the date the succession named.
        var own = await SendAsync(HttpMethod.Post, "/api/v1/events", writer98,
            Json(new JsonObject { ["events"] = new JsonArray(Occupied("980101-P1", 1m, "2025-03-01").With("regionCode", "980101")) }));
        own.StatusCode.ShouldBe(HttpStatusCode.OK, await own.Content.ReadAsStringAsync());
        var intruder = await SendAsync(HttpMethod.Post, "/api/v1/events", writer99,
            Json(new JsonObject { ["events"] = new JsonArray(Occupied("980101-P1", 1m, "2025-04-01").With("regionCode", "980101")) }));
        intruder.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task an_endless_view_is_refused_within_seconds_while_another_clients_import_finishes()
    {
        var api = await StartAsync();
        var (hostile, honest) = (await api.IssueKeyAsync("hostile", "writer", "410000"), await api.IssueKeyAsync("honest", "writer", "410000"));
        var clock = Stopwatch.StartNew();
        var jammed = UploadAsync(hostile, HostileLayerFiles.EndlessView(), "dltb.gpkg");
        var honestUpload = UploadAsync(honest, HostileLayerFiles.Parcels(20), "dltb.gpkg");

        var refusal = await jammed;
        refusal.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await refusal.Content.ReadAsStringAsync()).ShouldContain("which is a view");
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
        var done = await FinishedAsync(honest, await honestUpload);
        (done.GetProperty("status").GetString(), done.GetProperty("appended").GetInt32()).ShouldBe(("done", 20));
    }

    [Fact]
    public async Task the_blob_bombs_leave_the_services_memory_flat()
    {
        var api = await StartAsync();
        var writer = await api.IssueKeyAsync("bomber", "writer", "410000");
        var before = Resident(api);
        long peak = before;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, Resident(api));
                await Task.Delay(20);
            }
        });

        var view = await UploadAsync(writer, HostileLayerFiles.BlobBombView(), "bomb.gpkg");
        view.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var counts = await FinishedAsync(writer, await UploadAsync(writer, HostileLayerFiles.CountBombTable(), "counts.gpkg"));
        await sampling.CancelAsync();
        await sampler;

        (counts.GetProperty("status").GetString(), counts.GetProperty("appended").GetInt32(), counts.GetProperty("rejectedCount").GetInt32())
            .ShouldBe(("done", 1, 501));
        (peak - before).ShouldBeLessThan(500L * 1024 * 1024, $"resident memory went from {before:N0} to a peak of {peak:N0} bytes");
    }

    [Fact]
    public async Task two_thousand_rejections_quoting_50_kb_values_keep_the_status_under_a_megabyte()
    {
        var api = await StartAsync();
        var writer = await api.IssueKeyAsync("long", "writer", "410000");
        var status = await FinishedAsync(writer, await UploadAsync(writer, HostileLayerFiles.LongValues(), "long.gpkg"));
        (status.GetProperty("status").GetString(), status.GetProperty("rejectedCount").GetInt32()).ShouldBe(("done", 2000));
        var id = status.GetProperty("importId").GetString()!;

        var clock = Stopwatch.StartNew();
        var whole = await (await SendAsync(HttpMethod.Get, $"/api/v1/imports/{id}?rejectedLimit=1000", writer)).Content.ReadAsByteArrayAsync();
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(2));
        whole.Length.ShouldBeLessThan(1024 * 1024);
        JsonDocument.Parse(whole).RootElement.GetProperty("rejected").GetArrayLength().ShouldBe(1000); // the kept sample
        var page = JsonDocument.Parse(await (await SendAsync(HttpMethod.Get, $"/api/v1/imports/{id}?rejectedFrom=990", writer)).Content.ReadAsStringAsync());
        page.RootElement.GetProperty("rejected").GetArrayLength().ShouldBe(10);
        var stored = await app.ScalarAsync<long>($"select sum(pg_column_size(rejected)) from ledger.import_progress where import_id = '{id}'");
        stored.ShouldBeLessThan(1024L * 1024);
    }

    [Fact]
    public async Task jobs_take_turns_among_clients_and_a_writer_can_cancel_its_own()
    {
        var api = await StartAsync(new Dictionary<string, string> { ["LEDGER_IMPORT_WORKERS"] = "1" });
        var (a, b) = (await api.IssueKeyAsync("client-a", "writer", "410000"), await api.IssueKeyAsync("client-b", "writer", "410000"));
        var first = Id(await UploadAsync(a, HostileLayerFiles.Parcels(10_000, "A"), "a1.gpkg"));
        (await StatusAsync(a, first, "?waitSeconds=30")).GetProperty("status").GetString().ShouldBe("running");
        var second = Id(await UploadAsync(a, HostileLayerFiles.Parcels(10_000, "C"), "a2.gpkg"));
        var others = Id(await UploadAsync(b, HostileLayerFiles.Parcels(5, "B"), "b.gpkg"));

        (await SendAsync(HttpMethod.Delete, $"/api/v1/imports/{first}", b)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var cancelled = await SendAsync(HttpMethod.Delete, $"/api/v1/imports/{first}", a);
        cancelled.StatusCode.ShouldBe(HttpStatusCode.OK, await cancelled.Content.ReadAsStringAsync());
        var stopped = (await cancelled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("featuresRead").GetInt32();
        stopped.ShouldBeLessThan(10_000);
        var b1 = await FinishedAsync(b, others);
        (b1.GetProperty("status").GetString(), b1.GetProperty("appended").GetInt32()).ShouldBe(("done", 5));

        // Client b's import ran before client a's second, though it came later: a's second wrote nothing until b's was done.
        var bDone = await app.ScalarAsync<DateTime>($"select max(at) from ledger.import_progress where import_id = '{others}'");
        (await SendAsync(HttpMethod.Delete, $"/api/v1/imports/{second}", LedgerApp.AdminKey)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await FinishedAsync(a, second)).GetProperty("status").GetString().ShouldBe("cancelled");
        var aSecondStarted = await app.ScalarAsync<DateTime>($"select min(at) from ledger.import_progress where import_id = '{second}'");
        aSecondStarted.ShouldBeGreaterThanOrEqualTo(bDone);

        // With one slot, b's import ran only once the cancelled job had left it: the job stopped. Nothing was added after the cancellation.
        var later = await StatusAsync(a, first);
        (later.GetProperty("status").GetString(), later.GetProperty("featuresRead").GetInt32() - stopped).ShouldBe(("cancelled", 0));
        (await app.ScalarAsync<long>($"""
            select count(*) from ledger.import_progress where import_id = '{first}'
              and n > (select n from ledger.import_progress where import_id = '{first}' and status = 'cancelled')
            """)).ShouldBe(0);
        (await SendAsync(HttpMethod.Delete, $"/api/v1/imports/{first}", a)).StatusCode.ShouldBe(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task a_job_that_outlives_its_time_budget_fails_and_keeps_what_it_appended()
    {
        var writer = await app.KeyAsync("writer", "410000");
        var accepted = await UploadToAppAsync(writer, HostileLayerFiles.Parcels(3_000, "T"));
        var id = Guid.Parse(Id(accepted));
        // The app's own runner took the job; a runner with a one-second budget runs a copy of it.
        var copy = Guid.NewGuid();
        await app.ExecuteSqlAsync($"""
            insert into ledger.imports (id, client, scope, layer, effective_date, mapping, file_name, file_bytes, file, created_at)
            select '{copy}', client, scope, layer, effective_date, mapping, file_name, file_bytes, file, created_at from ledger.imports where id = '{id}'
            """);
        var s = app.Services;
        var runner = new ImportRunner(s.GetRequiredService<ImportStore>(), s.GetRequiredService<Ledger.Ingest.IIngestRouting>(), s.GetRequiredService<NodaTime.IClock>(),
            new ImportLimits(1, TimeSpan.FromSeconds(1)), new FairGate(1), new ImportCancellations(), s.GetRequiredService<ScratchSpace>());
        // The chain's lock held here keeps the copy's first batch waiting past its budget, however fast the machine reads.
        await using (var holder = new Npgsql.NpgsqlConnection(app.ConnectionString))
        {
            await holder.OpenAsync();
            await using var hold = await holder.BeginTransactionAsync();
            await using (var take = new Npgsql.NpgsqlCommand("select pg_advisory_xact_lock(x'4C454443'::int, 0)", holder, hold)) await take.ExecuteNonQueryAsync();
            await runner.RunAsync(copy, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
        }
        var status = (await s.GetRequiredService<ImportStore>().StatusAsync(copy, 0, 0, CancellationToken.None))!;
        status.Status.ShouldBe("failed");
        status.Message!.ShouldContain("ran longer than 1 s (LEDGER_IMPORT_MAX_MINUTES)");
        status.FeaturesRead.ShouldBeLessThan(3_000);
    }

    private async Task<HttpResponseMessage> UploadToAppAsync(string key, byte[] file)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/imports") { Content = Form(file, "t.gpkg") };
        request.Headers.Add("X-Api-Key", key);
        return await app.Http.SendAsync(request);
    }

    [Fact]
    public async Task zip_bombs_sent_at_once_stay_within_the_scratch_budget_and_leave_nothing_behind()
    {
        var temp = Directory.CreateTempSubdirectory("ledger-test-scratch-").FullName;
        _cleanup.Add(temp);
        var api = await StartAsync(new Dictionary<string, string> { ["TMPDIR"] = temp, ["LEDGER_SCRATCH_MAX_MB"] = "300" });
        var writer = await api.IssueKeyAsync("zipper", "writer", "410000");
        var bomb = HostileLayerFiles.ZipBomb(1024L * 1024 * 1024);
        long largest = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                largest = Math.Max(largest, Size(temp));
                await Task.Delay(20);
            }
        });
        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => UploadAsync(writer, bomb, "bomb.zip")));
        await sampling.CancelAsync();
        await sampler;

        answers.Select(r => r.StatusCode).ShouldAllBe(s => s == HttpStatusCode.BadRequest || s == HttpStatusCode.ServiceUnavailable);
        answers.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable).ShouldAllBe(r => r.Headers.RetryAfter != null);
        answers.ShouldContain(r => r.StatusCode == HttpStatusCode.ServiceUnavailable);
        largest.ShouldBeLessThan(300L * 1024 * 1024 + 4 * bomb.Length + 16 * 1024 * 1024);
        Directory.GetDirectories(temp, "ledger-upload-*").ShouldBeEmpty();
    }

    private static long Size(string folder)
    {
        long total = 0;
        try
        {
            foreach (var f in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
                try { total += new FileInfo(f).Length; } catch (IOException) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return total;
    }

    private static long Resident(ApiProcess api)
    {
        using var process = Process.GetProcessById(api.ProcessId!.Value);
        return process.WorkingSet64;
    }

    private static StringContent Json(JsonObject body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string key, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Add("X-Api-Key", key);
        return await _http!.SendAsync(request);
    }

    private Task<HttpResponseMessage> UploadAsync(string key, byte[] file, string name) =>
        SendAsync(HttpMethod.Post, "/api/v1/imports", key, Form(file, name));

    private static MultipartFormDataContent Form(byte[] file, string name)
    {
        var form = new MultipartFormDataContent();
        var part = new ByteArrayContent(file);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(part, "file", name);
        form.Add(new StringContent("farmland"), "layer");
        form.Add(new StringContent("2024-01-01"), "effectiveDate");
        form.Add(new StringContent(QualityFromZldj), "mapping");
        return form;
    }

    private static string Id(HttpResponseMessage accepted)
    {
        accepted.StatusCode.ShouldBe(HttpStatusCode.Accepted, accepted.Content.ReadAsStringAsync().Result);
        return JsonDocument.Parse(accepted.Content.ReadAsStringAsync().Result).RootElement.GetProperty("importId").GetString()!;
    }

    private async Task<JsonElement> StatusAsync(string key, string id, string query = "") =>
        await (await SendAsync(HttpMethod.Get, $"/api/v1/imports/{id}{query}", key)).Content.ReadFromJsonAsync<JsonElement>();

    private async Task<JsonElement> FinishedAsync(string key, HttpResponseMessage accepted) => await FinishedAsync(key, Id(accepted));

    private async Task<JsonElement> FinishedAsync(string key, string id)
    {
        for (var i = 0; i < 20; i++)
        {
            var status = await StatusAsync(key, id, "?waitSeconds=30");
            if (status.GetProperty("status").GetString() is "done" or "failed" or "cancelled") return status;
        }
        throw new TimeoutException($"import {id} did not finish");
    }
}
