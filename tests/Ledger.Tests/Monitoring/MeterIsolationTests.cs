using System.Net;
using System.Text.Json.Nodes;
using Ledger.Tests.Support;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using Shouldly;
using static Ledger.Tests.Support.Ev;

namespace Ledger.Tests.Monitoring;

/// <summary>OpenTelemetry listens to meters process-wide; each host must still count only its own requests.</summary>
[Collection(LedgerCollection.Name)]
public sealed class MeterIsolationTests(LedgerApp app) : IAsyncLifetime
{
    public Task InitializeAsync() => app.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task a_host_counts_only_the_events_posted_to_it_when_other_hosts_share_the_process()
    {
        var exported = new List<MetricSnapshot>();
        await using var factory = app.NewFactory();
        var second = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s =>
            s.ConfigureOpenTelemetryMeterProvider(m => m.AddInMemoryExporter(exported))));
        using var http = second.CreateClient();
        var writer = await app.KeyAsync("writer");

        (await app.PostEventsAsync(writer, RegionTree())).StatusCode.ShouldBe(HttpStatusCode.OK); // to the collection's shared host
        using var post = new HttpRequestMessage(HttpMethod.Post, "/api/v1/events")
        {
            Content = new StringContent(new JsonObject { ["events"] = new JsonArray(Parcel(), Zone()) }.ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
        };
        post.Headers.Add("X-Api-Key", writer);
        (await http.SendAsync(post)).StatusCode.ShouldBe(HttpStatusCode.OK);

        // False overall: the Prometheus reader only answers scrapes. The in-memory reader exports all the same.
        second.Services.GetRequiredService<MeterProvider>().ForceFlush();
        var appended = exported.Last(m => m.Name == "ledger.events.appended");
        appended.MetricPoints.Sum(p => p.GetSumLong()).ShouldBe(2, "the 3 region events went to the other host");
        exported.Last(m => m.Name == "http.server.request.duration").MetricPoints.Sum(p => p.GetHistogramCount())
            .ShouldBe(1, "ASP.NET Core's meters are per host too: this host answered one request");
    }
}
