using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Ledger.Chain;
using Ledger.Tests.Support;
using Ledger.Transparency;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using static Ledger.Tests.Audits.AuditScenarios;

namespace Ledger.Tests.Transparency;

/// <summary>
/// Contract 1.6: a report's <c>ledger-evidence/v1</c> bundle, checked here with nothing but the
/// bundle, the published verifier key and the server's own formats: every cited event's text
/// hashes into its entry, every proof leads to the checkpoint's root, the checkpoint is the log's.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class EvidenceBundleTests(LedgerApp app) : IAsyncLifetime
{
    private string _auditor = "";
    private string _writer = "";
    private string _reportId = "";

    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        _writer = await app.KeyAsync("writer");
        _auditor = await app.KeyAsync("auditor");
        await PostOnTheirDatesAsync(app, _writer, Troubled());
        SetClock(app, "2024-01-15");
        _reportId = (await app.IssueReportAsync(_auditor, TenureId, null)).GetProperty("reportId").GetString()!;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task the_bundle_holds_exactly_the_layout_and_everything_in_it_checks_out()
    {
        var response = await GetAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/zip");
        response.Content.Headers.ContentDisposition!.FileName.ShouldBe($"evidence-{_reportId}.zip");
        var logs = await (await app.SendAsync(HttpMethod.Get, "/api/v1/ledger/logs", _auditor)).Content.ReadFromJsonAsync<JsonElement>();
        var log = logs.GetProperty("logs").EnumerateArray().Single(l => l.GetProperty("database").GetString() == "catalogue");
        var bundle = Bundles.Check(await response.Content.ReadAsByteArrayAsync(), VerifierKey.Parse(log.GetProperty("verifierKey").GetString()!).ToVerifier());
        bundle.Events.Count.ShouldBeGreaterThan(10);
        (bundle.Manifest.GetProperty("reportId").GetString(), bundle.Manifest.GetProperty("database").GetString()).ShouldBe((_reportId, "catalogue"));
        bundle.Tree.Origin.ShouldBe(log.GetProperty("origin").GetString());
        Encoding.UTF8.GetString(bundle.Files["policy"]).ShouldBe(logs.GetProperty("policy").GetString());

        // The report is the bytes GET /api/v1/audits/{id} answers; each text is what the canonical endpoint answers.
        var stored = await app.SendAsync(HttpMethod.Get, $"/api/v1/audits/{_reportId}", _auditor);
        bundle.Files["report.json"].ShouldBe(await stored.Content.ReadAsByteArrayAsync());
        stored.Headers.GetValues("X-Report-Sha256").Single().ShouldBe(bundle.Manifest.GetProperty("reportSha256").GetString());
        foreach (var (sequence, eventId, _) in bundle.Events)
            (await (await app.SendAsync(HttpMethod.Get, $"/api/v1/ledger/events/{sequence}/canonical", _auditor)).Content.ReadAsByteArrayAsync())
                .ShouldBe(bundle.Files[$"events/{eventId}.txt"]);
    }

    [Fact]
    public async Task two_downloads_at_one_checkpoint_are_byte_identical_and_a_newer_checkpoint_makes_a_newer_bundle()
    {
        var first = await (await GetAsync()).Content.ReadAsByteArrayAsync();
        var second = await (await GetAsync()).Content.ReadAsByteArrayAsync();
        second.ShouldBe(first);

        await PostOnAsync(app, _writer, "2024-01-16", Supplemented(ParcelA, 1m, "2024-01-16"));
        var newer = Bundles.Unzip(await (await GetAsync()).Content.ReadAsByteArrayAsync());
        var older = Bundles.Unzip(first);
        newer["report.json"].ShouldBe(older["report.json"]);
        var size = (byte[] manifest) => JsonDocument.Parse(manifest).RootElement.GetProperty("checkpointSize").GetInt64();
        size(newer["manifest.json"]).ShouldBe(size(older["manifest.json"]) + 1);
    }

    [Fact]
    public async Task while_the_log_is_being_built_the_bundle_is_202_with_retry_after_and_then_it_is_made()
    {
        var highWater = (await (await app.SendAsync(HttpMethod.Get, $"/api/v1/audits/{_reportId}", _auditor)).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("highWater").GetInt64();
        // A ledger from before the log: the chain is there, the log is built afterwards, a chunk at a time.
        await app.ExecuteSqlAsync("truncate ledger.log_tiles, ledger.log_edge, ledger.log_checkpoints");
        await PendingAsync(null, highWater);

        var signer = app.Services.GetRequiredService<LogKeys>().SignerFor("catalogue");
        await using var db = Npgsql.NpgsqlDataSource.Create(app.ConnectionString);
        (await LogBackfill.StepAsync(db, signer, CancellationToken.None, chunk: (int)highWater - 3)).Log.ShouldBe(highWater - 3);
        await PendingAsync(highWater - 3, highWater);

        while (await LogBackfill.StepAsync(db, signer, CancellationToken.None) is var (log, chain) && log < chain) { }
        var made = await GetAsync();
        made.StatusCode.ShouldBe(HttpStatusCode.OK);
        Bundles.Check(await made.Content.ReadAsByteArrayAsync(), signer.VerifierKey.ToVerifier()).Tree.Size.ShouldBe(highWater);
    }

    [Fact]
    public async Task an_event_changed_behind_the_log_makes_no_bundle_but_a_409_that_points_at_verify()
    {
        var report = await (await app.SendAsync(HttpMethod.Get, $"/api/v1/audits/{_reportId}", _auditor)).Content.ReadFromJsonAsync<JsonElement>();
        var cited = report.GetProperty("tenure").GetProperty("evidence")[0].GetProperty("sequence").GetInt64();
        await app.ExecuteSqlAsync($"update ledger.mt_events set data = jsonb_set(data, '{{officialName}}', '\"王五\"') where seq_id = {cited}");
        var refused = await GetAsync();
        refused.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("/api/v1/ledger/verify");
    }

    [Fact]
    public async Task unknown_unseen_or_malformed_reports_and_other_roles_are_refused_first()
    {
        var neighbour = await app.KeyAsync("auditor", "410103");
        (await GetAsync(neighbour)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await GetAsync(await app.KeyAsync("writer", "410102"))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await GetAsync(await app.KeyAsync("investigator"))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await app.SendAsync(HttpMethod.Get, $"/api/v1/audits/{Guid.NewGuid()}/evidence", _auditor)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await app.SendAsync(HttpMethod.Get, "/api/v1/audits/not-a-report/evidence", _auditor)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await app.SendAsync(HttpMethod.Get, $"/api/v1/audits/{_reportId}/evidence", null)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task the_report_page_offers_the_bundle_beside_the_other_downloads_and_says_how_to_check_it()
    {
        using var http = app.Server.CreateClient();
        var cookie = Workbench.WorkbenchForms.SessionCookie(await Workbench.WorkbenchForms.SignIn(http, _auditor));
        var page = await (await Workbench.WorkbenchForms.Page(http, cookie, $"/ui/audits/{_reportId}")).Content.ReadAsStringAsync();
        var downloads = page[page.IndexOf("class=\"downloads\"", StringComparison.Ordinal)..];
        downloads = downloads[..downloads.IndexOf("</p>", StringComparison.Ordinal)];
        downloads.ShouldContain($"href=\"/api/v1/audits/{_reportId}.pdf\"");
        downloads.ShouldContain($"<a href=\"/api/v1/audits/{_reportId}/evidence\" id=\"download-evidence\" download");
        downloads.ShouldContain(">证据包</a>");
        page.ShouldContain("<code>ledger-verify evidence 证据包.zip --policy 策略文件</code>");

        // The link works with the browser's session, as the other downloads do.
        var bundle = await Workbench.WorkbenchForms.Page(http, cookie, $"/api/v1/audits/{_reportId}/evidence");
        bundle.StatusCode.ShouldBe(HttpStatusCode.OK);
        bundle.Content.Headers.ContentType!.MediaType.ShouldBe("application/zip");
    }

    [Fact]
    public async Task a_ledger_that_keeps_no_log_serves_canonical_texts_but_no_bundles() =>
        await LogOffService.RunAsync(app, async (_, http) =>
        {
            http.DefaultRequestHeaders.Add("X-Api-Key", _auditor);
            var refused = await http.GetAsync($"/api/v1/audits/{_reportId}/evidence");
            refused.StatusCode.ShouldBe(HttpStatusCode.NotFound);
            (await refused.Content.ReadAsStringAsync()).ShouldContain("LEDGER_LOG");

            var canonical = await http.GetAsync("/api/v1/ledger/events/1/canonical");
            canonical.StatusCode.ShouldBe(HttpStatusCode.OK);
            canonical.Headers.Contains("X-Chain-Position").ShouldBeTrue();
            canonical.Headers.Contains("X-Log-Index").ShouldBeFalse();
        });

    private async Task PendingAsync(long? served, long needed)
    {
        var pending = await GetAsync();
        pending.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        pending.Headers.RetryAfter!.Delta.ShouldNotBeNull();
        var body = await pending.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("status").GetString().ShouldBe("pending");
        body.GetProperty("neededSize").GetInt64().ShouldBe(needed);
        (body.GetProperty("checkpointSize").ValueKind == JsonValueKind.Null ? (long?)null : body.GetProperty("checkpointSize").GetInt64()).ShouldBe(served);
        body.GetProperty("detail").GetString()!.ShouldContain("being built");
    }

    private Task<HttpResponseMessage> GetAsync(string? key = null) => app.SendAsync(HttpMethod.Get, $"/api/v1/audits/{_reportId}/evidence", key ?? _auditor);
}
