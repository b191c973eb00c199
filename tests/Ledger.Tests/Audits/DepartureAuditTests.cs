using System.Net;
using System.Text;
using System.Text.Json;
using ClosedXML.Excel;
using Ledger.Tests.Support;
using Shouldly;
using UglyToad.PdfPig;
using static Ledger.Tests.Audits.AuditScenarios;

namespace Ledger.Tests.Audits;

/// <summary>Hand-computed departure audits (scores under national@2026.1, agricultural zone: farmland 35, water 25, red line 20, mining 20).</summary>
[Collection(LedgerCollection.Name)]
public sealed class DepartureAuditTests(LedgerApp app) : IAsyncLifetime
{
    private string _writer = "";
    private string _auditor = "";

    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        _writer = await app.KeyAsync("writer");
        _auditor = await app.KeyAsync("auditor");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task a_clean_tenure_scores_100_with_no_findings()
    {
        await PostOnTheirDatesAsync(app, _writer, Clean());
        var report = await IssueAsync("2024-01-15");

        report.GetProperty("score").GetDecimal().ShouldBe(100m);
        report.GetProperty("grade").GetString().ShouldBe("好");
        report.GetProperty("findings").GetArrayLength().ShouldBe(0);
        report.GetProperty("interim").GetBoolean().ShouldBeFalse();
        var tenure = report.GetProperty("tenure");
        (tenure.GetProperty("start").GetString(), tenure.GetProperty("end").GetString(), tenure.GetProperty("officialName").GetString())
            .ShouldBe(("2021-01-01", "2023-12-31", "李四"));

        Indicator(report, "farmland").ShouldBe((110m, 111m, 1m, 100m, true));
        Indicator(report, "permanentBasicFarmland").ShouldBe((50m, 50m, 0m, 40m, true));
        Parts(report, "occupationBalance").ShouldBe(new Dictionary<string, decimal> { ["occupiedLegal"] = 2m, ["occupiedIllegal"] = 0m, ["supplemented"] = 3m });
        Indicator(report, "redLine").ShouldBe((200m, 200m, 0m, null, true));
        Indicator(report, "miningRestoration").ShouldBe((0m, 0m, 0m, null, true));
        Parts(report, "miningRestoration")["reclamationRate"].ShouldBe(1m);
        Water(report).ShouldBe([(2021, 1000m, 900m, 0m), (2022, 1000m, 950m, 0m), (2023, 1000m, 980m, 0m)]);
        // Stock at the start and at each year end, for the charts.
        Series(report, "farmland").ShouldBe([("2021-01-01", 110m), ("2021-12-31", 111m), ("2022-12-31", 111m), ("2023-12-31", 111m)]);
    }

    [Fact]
    public async Task a_troubled_tenure_loses_points_rule_by_rule_with_the_events_behind_each_finding()
    {
        var events = Troubled();
        await PostOnTheirDatesAsync(app, _writer, events);
        var report = await IssueAsync("2024-01-15");

        Indicator(report, "farmland").ShouldBe((110m, 104m, -6m, 100m, true));
        Parts(report, "occupationBalance").ShouldBe(new Dictionary<string, decimal> { ["occupiedLegal"] = 3m, ["occupiedIllegal"] = 5m, ["supplemented"] = 2m });
        Parts(report, "redLine").ShouldBe(new Dictionary<string, decimal> { ["encroachmentsDetected"] = 4m, ["encroachmentsRectified"] = 1m, ["encroachmentsOpen"] = 3m });
        Indicator(report, "miningRestoration").ShouldBe((0m, 6m, 6m, null, false));
        Water(report).ShouldBe([(2021, 1000m, 900m, 0m), (2022, 1000m, 1100m, 100m), (2023, 1000m, 1050m, 50m)]);

        // F3 1 illegal case × 3; F4 5 + 0.5 × 6 ha; F5 0.2 × 6 ha; W1 5 × 2 years + 0.01 × 150; R2 5 + 2 × 1 zone + 0.5 × 3 ha;
        // R3 1 case × 1; M1 rate 0.4 < 0.6: 8; M2 0.2 × 6 ha.
        Deductions(report).ShouldBe(new Dictionary<string, decimal>
        {
            ["F3"] = 3m, ["F4"] = 8m, ["F5"] = 1.2m, ["W1"] = 11.5m, ["R2"] = 8.5m, ["R3"] = 1m, ["M1"] = 8m, ["M2"] = 1.2m,
        });
        ModuleScores(report).ShouldBe(new Dictionary<string, decimal> { ["farmland"] = 22.8m, ["water"] = 13.5m, ["redLine"] = 10.5m, ["mining"] = 10.8m });
        report.GetProperty("score").GetDecimal().ShouldBe(57.6m);
        report.GetProperty("grade").GetString().ShouldBe("差");

        EvidenceIds(report, "F3").ShouldBe([Id(events, "farmland.occupied", "2021-03-01")]);
        EvidenceIds(report, "W1").ShouldBe([
            Id(events, "water.quota-allocated", "2022-01-01"), Id(events, "water.use-reported", "2022-12-31"),
            Id(events, "water.quota-allocated", "2023-01-01"), Id(events, "water.use-reported", "2023-12-31"),
        ]);
        EvidenceIds(report, "R2").ShouldBe([Id(events, "redline.encroachment-detected", "2022-04-01"), Id(events, "redline.encroachment-rectified", "2023-03-01")]);
        Finding(report, "W1").GetProperty("statement").GetString()!.ShouldContain("共超用 150 万立方米");
        var evidence = Finding(report, "F3").GetProperty("evidence")[0];
        (evidence.GetProperty("domain").GetString(), evidence.GetProperty("stream").GetString(), evidence.GetProperty("version").GetInt64(),
            evidence.GetProperty("effectiveDate").GetString(), evidence.GetProperty("client").GetString())
            .ShouldBe(("farmland", ParcelA, 2L, "2021-03-01", "writer-000000"));
        evidence.GetProperty("recordedAt").GetString()!.ShouldStartWith("2021-03-01T02:00:00");
    }

    [Fact]
    public async Task records_back_dated_into_the_tenure_after_it_ended_are_flagged_and_change_a_new_report_but_not_an_issued_one()
    {
        await PostOnTheirDatesAsync(app, _writer, Clean());
        var (issuedId, before) = await IssueWithIdAsync("2024-01-15");
        before.GetProperty("score").GetDecimal().ShouldBe(100m);

        var late = LateRecords();
        await PostOnAsync(app, _writer, "2024-05-10", late);
        var after = await IssueAsync("2024-06-01");

        // F1: 96 ha against 100: 10 + 0.5 × 4; F5: 0.2 × 14 ha; W1: 2023 use 1,080 > 1,000: 5 × 1 + 0.01 × 80.
        Indicator(after, "farmland").ShouldBe((110m, 96m, -14m, 100m, false));
        Deductions(after).ShouldBe(new Dictionary<string, decimal> { ["F1"] = 12m, ["F5"] = 2.8m, ["W1"] = 5.8m, ["B1"] = 0m, ["B2"] = 0m });
        after.GetProperty("score").GetDecimal().ShouldBe(79.4m);
        after.GetProperty("grade").GetString().ShouldBe("一般");
        EvidenceIds(after, "B1").ShouldBe(late.Select(e => e["eventId"]!.GetValue<string>()).ToList());
        EvidenceIds(after, "B2").ShouldBe([late[0]["eventId"]!.GetValue<string>()]);
        Finding(after, "B1").GetProperty("severity").GetString().ShouldBe("info");

        // The issued report is frozen: same bytes, and it still regenerates identically from the ledger.
        var again = await GetAsync($"/api/v1/audits/{issuedId}");
        again.GetProperty("score").GetDecimal().ShouldBe(100m);
        var compare = await GetAsync($"/api/v1/audits/{issuedId}/compare");
        compare.GetProperty("reproducible").GetBoolean().ShouldBeTrue();
        compare.GetProperty("changed").GetBoolean().ShouldBeTrue();
        var changes = compare.GetProperty("changes").EnumerateArray().ToDictionary(c => c.GetProperty("item").GetString()!, c => (c.GetProperty("then").GetString(), c.GetProperty("now").GetString()));
        changes["farmland.end"].ShouldBe(("111", "96"));
        changes["water.2023.use"].ShouldBe(("980", "1080"));
        changes["score"].ShouldBe(("100", "79.4"));
        changes["grade"].ShouldBe(("好", "一般"));
        compare.GetProperty("findings").EnumerateArray().Select(f => (f.GetProperty("ruleId").GetString(), f.GetProperty("change").GetString()))
            .ShouldBe([("F1", "added"), ("F5", "added"), ("W1", "added"), ("B1", "added"), ("B2", "added")]);
        var arrived = compare.GetProperty("arrived").EnumerateArray().ToList();
        arrived.Select(a => a.GetProperty("event").GetProperty("eventId").GetString()).ShouldBe(late.Select(e => e["eventId"]!.GetValue<string>()));
        arrived[0].GetProperty("reason").GetString()!.ShouldStartWith("correction; back-dated");
    }

    [Fact]
    public async Task an_auditor_may_choose_module_points_within_the_zone_brackets()
    {
        await PostOnTheirDatesAsync(app, _writer, Troubled());
        SetClock(app, "2024-01-15");
        var created = await app.SendAsync(HttpMethod.Post, "/api/v1/audits/departure", _auditor,
            new { tenureId = TenureId, functionalZone = "agricultural", weights = new { water = 20, farmland = 40 } });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("reportId").GetString();
        var report = await GetAsync($"/api/v1/audits/{id}");
        report.GetProperty("modules").EnumerateArray().Select(m => (m.GetProperty("maxPoints").GetDecimal(), m.GetProperty("score").GetDecimal()))
            .ShouldBe([(40m, 27.8m), (20m, 8.5m), (20m, 10.5m), (20m, 10.8m)]);
        report.GetProperty("chosenWeights").GetProperty("farmland").GetDecimal().ShouldBe(40m);
        (await GetAsync($"/api/v1/audits/{id}/compare")).GetProperty("reproducible").GetBoolean().ShouldBeTrue();

        (await Refused(new { tenureId = TenureId, weights = new { farmland = 45, water = 15 } })).ShouldBe((400, "weights.farmland,weights.water"));
        (await Refused(new { tenureId = TenureId, weights = new { farmland = 40 } })).ShouldBe((400, "weights"));
        (await Refused(new { tenureId = TenureId, weights = new { farmland = "40" } })).ShouldBe((400, "weights.farmland"));
        (await Refused(new { tenureId = TenureId, weights = 40 })).ShouldBe((400, "weights"));
    }

    [Fact]
    public async Task a_batch_recorded_before_the_report_but_committed_after_it_stays_outside_the_report()
    {
        await PostOnTheirDatesAsync(app, _writer, Clean());
        SetClock(app, "2024-01-15");
        // Hold the chain lock: a batch takes its recorded instant, appends, then waits here to commit.
        const int chainLock = 0x4C45_4443;
        await using var holder = new Npgsql.NpgsqlConnection(app.ConnectionString);
        await holder.OpenAsync();
        await using (var take = new Npgsql.NpgsqlCommand($"select pg_advisory_lock({chainLock}, 0)", holder)) await take.ExecuteNonQueryAsync();
        var late = LateRecords();
        var posting = app.PostEventsAsync(_writer, late);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await WaitingForChainLockAsync())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the batch never reached the chain lock");
            await Task.Delay(20);
        }

        var (id, report) = await IssueWithIdAsync(on: null);
        await using (var release = new Npgsql.NpgsqlCommand($"select pg_advisory_unlock({chainLock}, 0)", holder)) await release.ExecuteNonQueryAsync();
        (await posting).StatusCode.ShouldBe(HttpStatusCode.OK);

        // The late batch's recorded instant is before the report's knownAt, yet the report did not (and cannot) read it.
        var history = await GetAsync($"/api/v1/streams/farmland/{ParcelA}/events");
        var correction = history.GetProperty("events").EnumerateArray().Single(e => e.GetProperty("eventId").GetString() == late[0]["eventId"]!.GetValue<string>());
        NodaTime.Text.InstantPattern.ExtendedIso.Parse(correction.GetProperty("recordedAt").GetString()!).Value
            .ShouldBeLessThan(NodaTime.Text.InstantPattern.ExtendedIso.Parse(report.GetProperty("knownAt").GetString()!).Value);
        report.GetProperty("score").GetDecimal().ShouldBe(100m);
        var compare = await GetAsync($"/api/v1/audits/{id}/compare");
        compare.GetProperty("reproducible").GetBoolean().ShouldBeTrue();
        compare.GetProperty("arrived").EnumerateArray().Select(a => a.GetProperty("event").GetProperty("eventId").GetString())
            .ShouldBe(late.Select(e => e["eventId"]!.GetValue<string>()));

        async Task<bool> WaitingForChainLockAsync()
        {
            await using var conn = new Npgsql.NpgsqlConnection(app.ConnectionString);
            await conn.OpenAsync();
            await using var cmd = new Npgsql.NpgsqlCommand($"select count(*) from pg_locks where locktype = 'advisory' and not granted and classid = {chainLock}", conn);
            return (long)(await cmd.ExecuteScalarAsync())! > 0;
        }
    }

    [Fact]
    public async Task an_issued_report_is_byte_identical_later_and_regenerates_from_the_ledger()
    {
        await PostOnTheirDatesAsync(app, _writer, Troubled());
        var (id, _) = await IssueWithIdAsync("2024-01-15");
        var first = await RawAsync($"/api/v1/audits/{id}");
        await PostOnAsync(app, _writer, "2024-03-01", LateRecords());

        var later = await RawAsync($"/api/v1/audits/{id}");
        later.Body.ShouldBe(first.Body);
        later.Sha.ShouldBe(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(later.Body)));
        var compare = await GetAsync($"/api/v1/audits/{id}/compare");
        compare.GetProperty("reproducible").GetBoolean().ShouldBeTrue();
        compare.GetProperty("regeneratedSha256").GetString().ShouldBe(later.Sha);

        // Rewriting a flow row the report read (as the owner: the service itself cannot) breaks reproducibility.
        await app.ExecuteSqlAsync($"update ledger.flows set amount = amount - 1 where stream_id = 'farmland:{ParcelA}' and cause like 'occupation-%-illegal'");
        (await GetAsync($"/api/v1/audits/{id}/compare")).GetProperty("reproducible").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task a_knowledge_instant_finer_than_a_microsecond_still_regenerates_identically()
    {
        await PostOnTheirDatesAsync(app, _writer, Clean());
        SetClock(app, "2024-01-15");
        var created = await app.SendAsync(HttpMethod.Post, "/api/v1/audits/departure", _auditor, new { tenureId = TenureId, knownAt = "2024-01-14T09:30:00.1234567Z" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("reportId").GetString();
        (await GetAsync($"/api/v1/audits/{id}")).GetProperty("knownAt").GetString().ShouldBe("2024-01-14T09:30:00.123456Z");
        (await GetAsync($"/api/v1/audits/{id}/compare")).GetProperty("reproducible").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task the_pdf_html_and_workbook_carry_the_key_figures()
    {
        var events = Troubled();
        await PostOnTheirDatesAsync(app, _writer, events);
        var (id, _) = await IssueWithIdAsync("2024-01-15");

        var pdf = await app.SendAsync(HttpMethod.Get, $"/api/v1/audits/{id}.pdf", _auditor);
        pdf.StatusCode.ShouldBe(HttpStatusCode.OK, await pdf.Content.ReadAsStringAsync());
        pdf.Content.Headers.ContentType!.MediaType.ShouldBe("application/pdf");
        using (var document = PdfDocument.Open(await pdf.Content.ReadAsByteArrayAsync()))
        {
            var text = Norm(string.Join("\n", document.GetPages().Select(p => p.Text)));
            foreach (var expected in new[] { "领导干部自然资源资产离任审计报告", "李四", "T-410102-2021", "57.6", "差", "任期内发生违法占用耕地 1 起，共 5 公顷", "共超用 150 万立方米", Id(events, "farmland.occupied", "2021-03-01") })
                text.ShouldContain(Norm(expected));
        }

        var html = await app.SendAsync(HttpMethod.Get, $"/api/v1/audits/{id}.html", _auditor);
        html.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        var page = await html.Content.ReadAsStringAsync();
        page.ShouldContain("<html lang=\"zh-CN\">");
        page.ShouldContain("57.6");
        page.ShouldContain("<svg role=\"img\"");

        var xlsx = await app.SendAsync(HttpMethod.Get, $"/api/v1/audits/{id}.xlsx", _auditor);
        using var book = new XLWorkbook(new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync()));
        var evidence = book.Worksheet("证据 Evidence");
        evidence.RowsUsed().Skip(1).Select(r => r.Cell(10).GetString()).ShouldContain(Id(events, "farmland.occupied", "2021-03-01"));
        book.Worksheet("概况 Summary").RowsUsed().Select(r => r.Cell(2).GetString()).ShouldContain("差（very poor）");
    }

    [Fact]
    public async Task audits_are_refused_clearly_and_a_refusal_writes_nothing()
    {
        await PostOnTheirDatesAsync(app, _writer, Base().Where(e => e["type"]!.GetValue<string>() != "tenure.ended"));
        SetClock(app, "2024-01-15");

        (await Refused(new { tenureId = "T-nobody" })).ShouldBe((404, null));
        (await Refused(new { tenureId = TenureId })).ShouldBe((422, null));
        (await Refused(new { tenureId = TenureId, knownAt = "2020-01-01T00:00:00Z" })).ShouldBe((422, null));
        (await Refused(new { tenureId = 7, knownAt = "yesterday", interim = "yes", ruleSet = "local@1", extra = 1 }))
            .ShouldBe((400, "extra,tenureId,knownAt,interim,ruleSet"));
        (await Refused(new { tenureId = TenureId, knownAt = "2030-01-01T00:00:00Z" })).ShouldBe((400, "knownAt"));
        (await Refused(new { tenureId = TenureId, interim = true, functionalZone = "desert" })).ShouldBe((400, "functionalZone"));
        (await Refused("[1,2]")).ShouldBe((400, "$"));
        var outsider = await app.KeyAsync("auditor", "410103");
        (await app.SendAsync(HttpMethod.Post, "/api/v1/audits/departure", outsider, new { tenureId = TenureId, interim = true })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await app.SendAsync(HttpMethod.Post, "/api/v1/audits/departure", _writer, new { tenureId = TenureId, interim = true })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await GetAsync("/api/v1/audits?region=410102")).GetProperty("reports").GetArrayLength().ShouldBe(0);

        // An interim audit of a running tenure runs to the knowledge date and says so.
        var created = await app.SendAsync(HttpMethod.Post, "/api/v1/audits/departure", _auditor, new { tenureId = TenureId, interim = true });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("reportId").GetString();
        var report = await GetAsync($"/api/v1/audits/{id}");
        report.GetProperty("interim").GetBoolean().ShouldBeTrue();
        report.GetProperty("tenure").GetProperty("end").GetString().ShouldBe("2024-01-15");
        (await app.SendAsync(HttpMethod.Get, $"/api/v1/audits/{id}", outsider)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await app.SendAsync(HttpMethod.Get, $"/api/v1/audits/{id}.docx", _auditor)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await app.SendAsync(HttpMethod.Get, $"/api/v1/audits/{Guid.NewGuid()}", _auditor)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("null")]
    [InlineData("\"T-410102-2021\"")]
    [InlineData("{\"tenureId\":null}")]
    [InlineData("{\"tenureId\":\"\"}")]
    [InlineData("{\"tenureId\":\"T\\u0000x\"}")]
    [InlineData("{\"tenureId\":\"\\ud800\"}")]
    [InlineData("{\"\\ud800\":\"T-410102-2021\"}")]
    [InlineData("{\"tenureId\":\"T-410102-2021\",\"weights\":{\"water\":20,\"water\":30}}")]
    [InlineData("{\"tenureId\":[\"T-410102-2021\"]}")]
    [InlineData("{\"tenureId\":\"T-410102-2021\",\"knownAt\":\"2024-02-30T00:00:00Z\"}")]
    [InlineData("{\"tenureId\":\"T-410102-2021\",\"knownAt\":1700000000}")]
    [InlineData("{\"tenureId\":\"T-410102-2021\",\"interim\":1}")]
    [InlineData("{\"tenureId\":\"T-410102-2021\",\"ruleSet\":\"national@../../etc\"}")]
    [InlineData("{\"tenureId\":\"T-410102-2021\",\"tenureId\":\"T-410102-2021\"}")]
    [InlineData("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]")]
    public async Task hostile_audit_requests_are_400_and_write_nothing(string body)
    {
        await PostOnTheirDatesAsync(app, _writer, Base());
        SetClock(app, "2024-01-15");
        var response = await app.SendAsync(HttpMethod.Post, "/api/v1/audits/departure", _auditor, body);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await GetAsync("/api/v1/audits")).GetProperty("reports").GetArrayLength().ShouldBe(0);
        var long_ = await app.SendAsync(HttpMethod.Post, "/api/v1/audits/departure", _auditor, new { tenureId = new string('T', 5000) });
        long_.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task the_service_role_cannot_change_or_delete_an_issued_report()
    {
        await PostOnTheirDatesAsync(app, _writer, Clean());
        var (id, _) = await IssueWithIdAsync("2024-01-15");
        await using var conn = new Npgsql.NpgsqlConnection(new Npgsql.NpgsqlConnectionStringBuilder(app.ConnectionString) { Username = LedgerApp.AppRole }.ConnectionString);
        await conn.OpenAsync();
        foreach (var sql in new[] { $"update ledger.audit_reports set content = '{{}}' where id = '{id}'", $"delete from ledger.audit_reports where id = '{id}'" })
        {
            await using var cmd = new Npgsql.NpgsqlCommand(sql, conn);
            (await Should.ThrowAsync<Npgsql.PostgresException>(() => cmd.ExecuteNonQueryAsync())).SqlState.ShouldBe("42501");
        }
    }

    private async Task<(int Status, string? Fields)> Refused(object body)
    {
        var response = await app.SendAsync(HttpMethod.Post, "/api/v1/audits/departure", _auditor, body);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var fields = problem.TryGetProperty("errors", out var errors) ? string.Join(",", errors.EnumerateArray().Select(e => e.GetProperty("field").GetString())) : null;
        return ((int)response.StatusCode, fields);
    }

    private async Task<JsonElement> IssueAsync(string on) => (await IssueWithIdAsync(on)).Report;

    /// <param name="on">The date to move the clock to first; null keeps it running where it is.</param>
    private async Task<(string Id, JsonElement Report)> IssueWithIdAsync(string? on)
    {
        if (on is not null) SetClock(app, on);
        var created = await app.SendAsync(HttpMethod.Post, "/api/v1/audits/departure", _auditor, new { tenureId = TenureId });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("reportId").GetString()!;
        return (id, await GetAsync($"/api/v1/audits/{id}"));
    }

    private async Task<JsonElement> GetAsync(string url)
    {
        var response = await app.SendAsync(HttpMethod.Get, url, _auditor);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private async Task<(byte[] Body, string Sha)> RawAsync(string url)
    {
        var response = await app.SendAsync(HttpMethod.Get, url, _auditor);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return (await response.Content.ReadAsByteArrayAsync(), response.Headers.GetValues("X-Report-Sha256").Single());
    }

    private static (decimal?, decimal?, decimal?, decimal?, bool?) Indicator(JsonElement report, string id)
    {
        var i = report.GetProperty("indicators").EnumerateArray().Single(x => x.GetProperty("id").GetString() == id);
        decimal? D(string p) => i.GetProperty(p).ValueKind == JsonValueKind.Null ? null : i.GetProperty(p).GetDecimal();
        bool? compliant = i.GetProperty("compliant").ValueKind == JsonValueKind.Null ? null : i.GetProperty("compliant").GetBoolean();
        return (D("start"), D("end"), D("change"), D("target"), compliant);
    }

    private static Dictionary<string, decimal> Parts(JsonElement report, string id) =>
        report.GetProperty("indicators").EnumerateArray().Single(x => x.GetProperty("id").GetString() == id).GetProperty("parts").EnumerateArray()
            .ToDictionary(p => p.GetProperty("id").GetString()!, p => p.GetProperty("value").GetDecimal());

    private static List<(string, decimal)> Series(JsonElement report, string id) =>
        report.GetProperty("indicators").EnumerateArray().Single(x => x.GetProperty("id").GetString() == id).GetProperty("series").EnumerateArray()
            .Select(p => (p.GetProperty("date").GetString()!, p.GetProperty("value").GetDecimal())).ToList();

    private static List<(int, decimal, decimal, decimal)> Water(JsonElement report) =>
        report.GetProperty("waterYears").EnumerateArray().Select(y => (y.GetProperty("year").GetInt32(), y.GetProperty("quota").GetDecimal(),
            y.GetProperty("use").GetDecimal(), y.GetProperty("overuse").GetDecimal())).ToList();

    private static Dictionary<string, decimal> Deductions(JsonElement report) =>
        report.GetProperty("findings").EnumerateArray().ToDictionary(f => f.GetProperty("ruleId").GetString()!, f => f.GetProperty("deduction").GetDecimal());

    private static Dictionary<string, decimal> ModuleScores(JsonElement report) =>
        report.GetProperty("modules").EnumerateArray().ToDictionary(m => m.GetProperty("id").GetString()!, m => m.GetProperty("score").GetDecimal());

    private static JsonElement Finding(JsonElement report, string rule) =>
        report.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("ruleId").GetString() == rule);

    private static List<string> EvidenceIds(JsonElement report, string rule) =>
        Finding(report, rule).GetProperty("evidence").EnumerateArray().Select(e => e.GetProperty("eventId").GetString()!).ToList();

    private static string Id(IEnumerable<System.Text.Json.Nodes.JsonObject> events, string type, string date) =>
        events.Single(e => e["type"]!.GetValue<string>() == type && e["effectiveDate"]!.GetValue<string>() == date)["eventId"]!.GetValue<string>();

    /// <summary>PdfPig ignores /ActualText: compatibility forms (e.g. Kangxi radicals) are folded on both sides.</summary>
    private static string Norm(string s) => s.Normalize(NormalizationForm.FormKC).Replace(" ", "", StringComparison.Ordinal);
}
