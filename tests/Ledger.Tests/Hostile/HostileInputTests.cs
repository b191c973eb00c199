using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ledger.Tests.Support;
using Shouldly;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Hostile;

/// <summary>The quick variant of the hostile-input harness: every case refused precisely, the server up, the ledger unchanged.</summary>
[Collection(LedgerCollection.Name)]
public sealed class HostileInputTests(LedgerApp app) : IAsyncLifetime
{
    private string _writer = "";

    public async Task InitializeAsync()
    {
        await app.ResetAsync();
        _writer = await app.KeyAsync("writer", "410000");
        var setup = await app.PostEventsAsync(_writer,
            [.. CountyWithOneOfEach(), Occupied(area: 1m).With("eventId", HostileCorpus.ConflictingId)]);
        setup.StatusCode.ShouldBe(HttpStatusCode.OK, await setup.Content.ReadAsStringAsync());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>
    /// The fixed corpus plus seeded random batches: 100 in CI, LEDGER_HOSTILE_RANDOM for the long
    /// run (infra/hostile/run.sh), seed LEDGER_HOSTILE_SEED.
    /// </summary>
    [Fact]
    public async Task every_hostile_body_is_refused_with_a_problem_and_changes_nothing()
    {
        var random = int.TryParse(Environment.GetEnvironmentVariable("LEDGER_HOSTILE_RANDOM"), out var n) ? n : 100;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("LEDGER_HOSTILE_SEED"), out var s) ? s : 2026;
        var cases = HostileCorpus.Cases().Concat(RandomHostileCorpus.Cases(random, seed)).ToList();
        cases.Count.ShouldBeGreaterThanOrEqualTo(200);
        var before = await Snapshot();
        var failures = new List<string>();

        foreach (var (name, body) in cases)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events") { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Add("X-Api-Key", _writer);
            var response = await app.Http.SendAsync(request);
            var status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync();
            // 429 would be a refusal that proves nothing about the input.
            if (status is < 400 or >= 500 or 429 || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                failures.Add($"{name}: {status} {text[..Math.Min(200, text.Length)]}");
            else if (JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString() is not { Length: > 0 })
                failures.Add($"{name}: problem without a detail");
        }

        File.WriteAllText(Path.Combine(Path.GetTempPath(), "ledger-hostile-report.txt"), $"{cases.Count} cases, {failures.Count} failures, seed {seed}");
        failures.ShouldBeEmpty();
        (await app.SendAsync(HttpMethod.Get, "/health", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await Snapshot()).ShouldBe(before);
    }

    [Fact]
    public async Task injection_strings_in_free_text_are_stored_verbatim_and_harm_nothing()
    {
        const string text = "'; drop table ledger.mt_events; -- <script>alert(1)</script> ${jndi:ldap://x} %s%n";
        var response = await app.PostEventsAsync(_writer, Occupied(area: 0.5m).With("data.approvalRef", text).With("source", new JsonObject { ["note"] = text }));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var investigator = await app.KeyAsync("investigator");
        var history = await (await app.SendAsync(HttpMethod.Get, "/api/v1/streams/farmland/410102-000001/events", investigator))
            .Content.ReadFromJsonAsync<JsonElement>();
        var last = history.GetProperty("events").EnumerateArray().Last();
        last.GetProperty("data").GetProperty("approvalRef").GetString().ShouldBe(text);
        last.GetProperty("source").GetProperty("note").GetString().ShouldBe(text);
        (await Verify(investigator)).ShouldBeTrue();
    }

    [Fact]
    public async Task a_key_over_its_rate_limit_gets_429_with_retry_after()
    {
        Environment.SetEnvironmentVariable("LEDGER_RATE_LIMIT", "1");
        await using var limited = app.NewFactory();
        using var client = limited.CreateClient(); // the host reads its settings here
        Environment.SetEnvironmentVariable("LEDGER_RATE_LIMIT", LedgerApp.TestRateLimit);
        var statuses = new List<HttpResponseMessage>();
        var key = await app.KeyAsync("auditor", name: "rate-test");
        for (var i = 0; i < 5; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/streams/farmland/410102-000001");
            request.Headers.Add("X-Api-Key", key);
            statuses.Add(await client.SendAsync(request));
        }
        var refused = statuses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        refused.ShouldNotBeEmpty();
        refused[0].Headers.RetryAfter.ShouldNotBeNull();
        refused[0].Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    private string? _investigator;

    private async Task<string> Snapshot()
    {
        var investigator = _investigator ??= await app.KeyAsync("investigator", name: "snapshot");
        var sheet = await (await app.SendAsync(HttpMethod.Get, "/api/v1/regions/410000/balance-sheet?from=2024-01-01&to=2024-12-31&knownAt=2030-01-01T00:00:00Z",
            investigator)).Content.ReadAsStringAsync();
        var parcel = await (await app.SendAsync(HttpMethod.Get, "/api/v1/streams/farmland/410102-000001", investigator)).Content.ReadAsStringAsync();
        return $"{await app.EventCountAsync()}|{await Verify(investigator)}|{sheet}|{parcel}";
    }

    private async Task<bool> Verify(string key) =>
        (await (await app.SendAsync(HttpMethod.Get, "/api/v1/ledger/verify", key)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("ok").GetBoolean();
}
