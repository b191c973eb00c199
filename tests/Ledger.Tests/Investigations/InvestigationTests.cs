using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Tests.BalanceSheets;
using Ledger.Tests.Support;
using Npgsql;
using Shouldly;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Investigations;

[Collection(LedgerCollection.Name)]
public sealed class InvestigationTests(LedgerApp app) : IAsyncLifetime
{
    private string _writer = "";
    private string _investigator = "";

    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        _writer = await app.KeyAsync("writer", "410000", "henan-feed");
        _investigator = await app.KeyAsync("investigator");
        (await app.PostEventsAsync(_writer, SheetScenario.Events())).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task back_dated_records_and_corrections_are_reported_with_their_clients()
    {
        // Recorded 2026-03-01 with an effective date in 2024: back-dated by far more than 30 days.
        var late = await app.KeyAsync("writer", "410000", "late-feed");
        await app.PostEventsAsync(late, Make("farmland.area-corrected", "410102-A", County,
            new JsonObject { ["deltaHa"] = -0.5m, ["reason"] = "复核" }, "2026-02-27"));

        var report = await Get("/api/v1/investigations/back-dating?region=410100&effectiveFrom=2024-01-01&effectiveTo=2026-12-31&minDelayDays=30");

        var backDated = report.GetProperty("backDated").EnumerateArray().ToList();
        backDated.ShouldNotBeEmpty();
        backDated.ShouldAllBe(e => e.GetProperty("delayDays").GetInt32() >= 30);
        backDated.ShouldNotContain(e => e.GetProperty("type").GetString() == "farmland.area-corrected"); // only 2 days late
        var corrections = report.GetProperty("corrections").EnumerateArray().ToList();
        corrections.Select(e => e.GetProperty("client").GetString()).ShouldContain("late-feed");
        corrections.Select(e => e.GetProperty("type").GetString()).ShouldContain("water.quota-adjusted");
        report.GetProperty("byClient").EnumerateArray().Select(c => c.GetProperty("client").GetString()).ShouldContain("henan-feed");
    }

    [Fact]
    public async Task the_event_search_filters_by_type_recording_and_client_and_pages()
    {
        var found = await Get("/api/v1/events?region=410102&types=farmland.occupied,farmland.converted&client=henan-feed&limit=2");
        var events = found.GetProperty("events").EnumerateArray().ToList();
        events.Count.ShouldBe(2);
        events.ShouldAllBe(e => e.GetProperty("type").GetString()!.StartsWith("farmland."));
        var next = found.GetProperty("next").GetInt64();
        var rest = (await Get($"/api/v1/events?region=410102&types=farmland.occupied,farmland.converted&after={next}")).GetProperty("events");
        rest.GetArrayLength().ShouldBe(1);   // 2 occupations and 1 conversion in the scenario
        (await app.SendAsync(HttpMethod.Get, "/api/v1/events?types=farmland.stolen", _investigator)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await app.SendAsync(HttpMethod.Get, "/api/v1/events", await app.KeyAsync("auditor"))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task every_sheet_figure_links_to_flows_that_sum_to_it()
    {
        var auditor = await app.KeyAsync("auditor");
        var sheet = await (await app.SendAsync(HttpMethod.Get, $"/api/v1/regions/{City}/balance-sheet?from=2024-01-01&to=2024-12-31", auditor))
            .Content.ReadFromJsonAsync<JsonElement>();
        foreach (var account in sheet.GetProperty("accounts").EnumerateArray().Where(a => a.TryGetProperty("closing", out _)))
        {
            var closing = await GetAs(auditor, account.GetProperty("provenance").GetString()!);
            closing.GetProperty("total").GetDecimal().ShouldBe(account.GetProperty("closing").GetDecimal(), account.GetProperty("account").GetString());
            foreach (var side in new[] { "additions", "reductions" })
            foreach (var cause in account.GetProperty(side).EnumerateArray())
            {
                var p = await GetAs(auditor, cause.GetProperty("provenance").GetString()!);
                p.GetProperty("total").GetDecimal().ShouldBe(cause.GetProperty("amount").GetDecimal());
                p.GetProperty("flows").EnumerateArray().ShouldAllBe(f => f.GetProperty("eventId").GetString()!.Length == 36);
            }
        }
        var water = sheet.GetProperty("accounts").EnumerateArray().Single(a => a.GetProperty("account").GetString() == "water");
        foreach (var year in water.GetProperty("years").EnumerateArray())
        {
            (await GetAs(auditor, year.GetProperty("quotaProvenance").GetString()!)).GetProperty("total").GetDecimal().ShouldBe(year.GetProperty("quota").GetDecimal());
            (await GetAs(auditor, year.GetProperty("useProvenance").GetString()!)).GetProperty("total").GetDecimal().ShouldBe(year.GetProperty("use").GetDecimal());
        }
        (await app.SendAsync(HttpMethod.Get, $"/api/v1/regions/{City}/balance-sheet/provenance?account=waterUse&from=2024-01-01&to=2024-12-31", auditor))
            .StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var redLine = sheet.GetProperty("accounts").EnumerateArray().Single(a => a.GetProperty("account").GetString() == "redLine");
        var open = redLine.GetProperty("liabilities").EnumerateArray().Single(l => l.GetProperty("kind").GetString() == "redLineEncroachmentsOpen");
        (await GetAs(auditor, $"/api/v1/regions/{City}/balance-sheet/provenance?account=redLineEncroachedOpen&part=closing&from=2024-01-01&to=2024-12-31"))
            .GetProperty("total").GetDecimal().ShouldBe(open.GetProperty("amount").GetDecimal());
    }

    [Fact]
    public async Task the_runtime_role_cannot_rewrite_the_evidence()
    {
        var asApp = new NpgsqlConnectionStringBuilder(app.ConnectionString) { Username = LedgerApp.AppRole }.ConnectionString;
        await using var conn = new NpgsqlConnection(asApp);
        await conn.OpenAsync();
        foreach (var sql in new[]
        {
            "update ledger.mt_events set data = data where seq_id = 1",
            "delete from ledger.mt_events where seq_id = 1",
            "truncate ledger.mt_events",
            "update ledger.chain set hash = hash",
            "delete from ledger.checkpoints",
            "update ledger.flows set amount = 0",
            "delete from ledger.event_index",
        })
        {
            await using var cmd = new NpgsqlCommand(sql, conn);
            var e = await Should.ThrowAsync<PostgresException>(() => cmd.ExecuteNonQueryAsync(), sql);
            e.SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege, sql);
        }
    }

    [Fact]
    public async Task a_replay_of_the_events_alone_reproduces_every_stream_state()
    {
        await using var db = NpgsqlDataSource.Create(app.ConnectionString);
        var result = await new Ledger.Flows.FlowRebuilder(db, _ => { }).RunAsync(replace: false, CancellationToken.None);
        result.StateMismatches.ShouldBe(0);
        await app.ExecuteSqlAsync("update ledger.mt_doc_parcelstate set data = jsonb_set(data, '{areaHa}', '1')");
        (await new Ledger.Flows.FlowRebuilder(db, _ => { }).RunAsync(replace: false, CancellationToken.None)).StateMismatches.ShouldBe(2);
    }

    private Task<JsonElement> Get(string url) => GetAs(_investigator, url);

    private async Task<JsonElement> GetAs(string key, string url)
    {
        var response = await app.SendAsync(HttpMethod.Get, url, key);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
