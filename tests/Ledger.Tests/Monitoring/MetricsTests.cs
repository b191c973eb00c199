using System.Net;
using System.Text.Json.Nodes;
using Shouldly;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Monitoring;

public sealed class MetricsTests(MonitoredService service) : IClassFixture<MonitoredService>
{
    [Fact]
    public async Task metrics_are_served_on_their_own_listener_and_nowhere_else()
    {
        (await service.Api.GetAsync("/metrics")).StatusCode.ShouldBe(HttpStatusCode.NotFound, "no /metrics on the API's port: it has no key");
        (await service.Metrics.GetAsync("/health")).StatusCode.ShouldBe(HttpStatusCode.NotFound, "the metrics port serves nothing but /metrics");
        (await service.Metrics.PostAsync("/api/v1/events", new StringContent("{}"))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await service.Metrics.GetAsync("/openapi/v1.json")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var scrape = await service.Metrics.GetAsync("/metrics");
        scrape.StatusCode.ShouldBe(HttpStatusCode.OK);
        scrape.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");
    }

    [Fact]
    public async Task a_scrape_after_posting_events_passes_promtool_and_counts_every_appended_event()
    {
        var writer = await service.KeyAsync("metrics-writer", "writer");
        var investigator = await service.KeyAsync("metrics-investigator", "investigator");
        var parcels = Enumerable.Range(1, 5).Select(i => Parcel($"410102-{i:000000}")).ToArray();
        (await Post(writer, RegionTree())).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await Post(writer, parcels)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await Post(writer, parcels)).StatusCode.ShouldBe(HttpStatusCode.OK, "a repeated batch is answered as duplicates");
        (await Post(writer, Occupied("410102-000001", area: 50m))).StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        const int appended = 3 + 5;

        (await service.SendAsync(HttpMethod.Post, "/api/v1/ledger/checkpoints", MonitoredService.AdminKey)).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await service.SendAsync(HttpMethod.Get, "/api/v1/ledger/verify", investigator)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await service.SendAsync(HttpMethod.Get, "/api/v1/regions/410000/balance-sheet", investigator)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await service.SendAsync(HttpMethod.Post, "/api/v1/audits/departure", investigator, """{"tenureId":"T-410102-9"}""")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        // Unauthenticated requests beyond the per-address burst (40, then 20 a second) are refused.
        var anonymous = new List<HttpResponseMessage>();
        while (anonymous.Count < 1000 && anonymous.All(r => r.StatusCode != HttpStatusCode.TooManyRequests))
            anonymous.Add(await service.SendAsync(HttpMethod.Get, "/api/v1/audits", null));
        anonymous.ShouldContain(r => r.StatusCode == HttpStatusCode.TooManyRequests);

        var scrape = await service.ScrapeAsync(s =>
            MonitoredService.Value(s, "ledger_chain_head") == appended && MonitoredService.Value(s, "ledger_checkpoint_position") == appended);

        await Promtool.CheckAsync(scrape, "check", "metrics");
        MonitoredService.Value(scrape, "ledger_events_appended_total").ShouldBe(appended);
        MonitoredService.Value(scrape, "ledger_chain_head").ShouldBe(appended, "the chain head gauge is there and has caught up");
        MonitoredService.Value(scrape, "ledger_checkpoint_position").ShouldBe(appended);
        MonitoredService.Value(scrape, "ledger_checkpoint_age_seconds").ShouldNotBeNull();
        MonitoredService.Value(scrape, "ledger_ingest_duration_seconds_count", "outcome=\"appended\"").ShouldBe(2);
        MonitoredService.Value(scrape, "ledger_ingest_duration_seconds_count", "outcome=\"duplicate\"").ShouldBe(1);
        MonitoredService.Value(scrape, "ledger_ingest_rejections_total", "status=\"422\"").ShouldBe(1);
        MonitoredService.Value(scrape, "ledger_verify_ok").ShouldBe(1);
        MonitoredService.Value(scrape, "ledger_rollback_blocked").ShouldBe(0);
        MonitoredService.Value(scrape, "ledger_rate_limit_refusals_total", "limit=\"address\"")
            .ShouldBe(anonymous.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
        MonitoredService.Value(scrape, "db_client_connections_usage").ShouldNotBeNull("Npgsql's meter gives the pool's use");

        var missing = MonitoringFiles.ReferencedMetrics().Where(name => MonitoredService.Value(scrape, name) is null).ToList();
        missing.ShouldBeEmpty("every metric the dashboard and the alerts use is in the scrape");
    }

    private Task<HttpResponseMessage> Post(string key, params JsonObject[] events) => service.SendAsync(HttpMethod.Post, "/api/v1/events", key,
        new JsonObject { ["events"] = new JsonArray(events.Select(e => (JsonNode)e.DeepClone()).ToArray()) }.ToJsonString());
}
