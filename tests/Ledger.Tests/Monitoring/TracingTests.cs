using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Ledger.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using OpenTelemetry.Trace;
using Shouldly;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Monitoring;

[Collection(LedgerCollection.Name)]
public sealed class TracingTests(LedgerApp app) : IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task one_posted_batch_is_one_trace_from_the_http_span_through_the_ingest_span_to_its_sql()
    {
        // A host of its own with an in-memory exporter beside the service's own trace configuration (its sources and
        // instrumentation); without OTLP the service samples nothing, so the exporter comes with a sampler that keeps all.
        var spans = new List<Activity>();
        await using var factory = app.NewFactory();
        using var http = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s =>
            s.ConfigureOpenTelemetryTracerProvider(t => t.SetSampler(new AlwaysOnSampler()).AddInMemoryExporter(spans)))).CreateClient();
        var writer = await app.KeyAsync("writer");

        // Every host in the test process sees every span: this request's trace id picks ours out.
        var trace = ActivityTraceId.CreateRandom();
        using var post = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events")
        {
            Content = new StringContent(new JsonObject { ["events"] = new JsonArray(RegionTree().Select(e => (JsonNode)e).ToArray()) }.ToJsonString(),
                System.Text.Encoding.UTF8, "application/json"),
        };
        post.Headers.Add("X-Api-Key", writer);
        post.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");
        (await http.SendAsync(post)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var inTrace = await SpansOfAsync(spans, trace);
        var server = inTrace.Single(s => s.Kind == ActivityKind.Server);
        server.Source.Name.ShouldBe("Microsoft.AspNetCore");
        server.DisplayName.ShouldBe("POST /api/v1/events");

        var ingest = inTrace.Single(s => s.Source.Name == "Ledger");
        ingest.OperationName.ShouldBe("ledger.ingest");
        ingest.GetTagItem("ledger.events").ShouldBe(3);
        ingest.GetTagItem("ledger.outcome").ShouldBe("appended");
        Ancestors(ingest, inTrace).ShouldContain(server.SpanId, "the ingest span sits under the request's span");

        var sql = inTrace.Where(s => s.Source.Name == "Npgsql" && s.ParentSpanId == ingest.SpanId).ToList();
        sql.Count.ShouldBeGreaterThanOrEqualTo(4, "locks, known ids, state reads, the append and the chain are SQL under the ingest span");
        sql.Select(s => s.GetTagItem("db.statement") as string).ShouldContain(q => q != null && q.Contains("pg_advisory_xact_lock"));
        sql.Select(s => s.GetTagItem("db.statement") as string).ShouldContain(q => q != null && q.Contains("insert into ledger.chain"));
    }

    /// <summary>The request's spans once its server span has ended (it ends after the answer is sent).</summary>
    private static async Task<List<Activity>> SpansOfAsync(List<Activity> exported, ActivityTraceId trace)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            List<Activity> mine;
            lock (exported) mine = exported.Where(s => s.TraceId == trace).ToList();
            if (mine.Any(s => s.Kind == ActivityKind.Server) || DateTime.UtcNow > deadline) return mine;
            await Task.Delay(50);
        }
    }

    private static IEnumerable<ActivitySpanId> Ancestors(Activity span, List<Activity> inTrace)
    {
        var byId = inTrace.ToDictionary(s => s.SpanId);
        for (var parent = span.ParentSpanId; byId.TryGetValue(parent, out var p); parent = p.ParentSpanId)
            yield return p.SpanId;
    }
}
