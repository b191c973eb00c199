using System.Diagnostics.Metrics;
using Ledger.Ingest;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Ledger.Api.Hosting;

/// <summary>
/// OpenTelemetry metrics and traces (docs/operations.md, "Monitoring"). Prometheus scrapes
/// <c>/metrics</c> on its own listener, <c>LEDGER_METRICS_URLS</c>, never on the API's port: it has
/// no key. Traces and metrics also go over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// <c>LEDGER_TELEMETRY=0</c> turns all of it off (the benchmark compares both).
/// </summary>
public static class LedgerTelemetry
{
    public const string DefaultMetricsUrls = "http://127.0.0.1:9464";

    /// <summary>
    /// Npgsql 9 has its own ActivitySource and Meter, both "Npgsql" (docs/decisions.md); Wolverine names its meter
    /// "Wolverine:&lt;service&gt;". Marten's opt-in per-event counter (TrackEventCounters) stays off: it repeats
    /// ledger_events_appended_total by type, and the overhead runs pointed at it (docs/performance.md).
    /// </summary>
    private static readonly string[] Sources = [IngestTracing.SourceName, "Npgsql", "Marten", "Wolverine"];
    private static readonly string[] Meters = [LedgerMetrics.MeterName, "Npgsql", "Marten", "Wolverine", "Wolverine:*"];

    public static bool Enabled(IConfiguration config) => Ledger.Storage.OperatorSettings.Telemetry.Read(n => config[n]);

    public static string MetricsUrls(IConfiguration config) =>
        config["LEDGER_METRICS_URLS"] is { Length: > 0 } urls ? urls : DefaultMetricsUrls;

    /// <summary>The API's addresses plus, with telemetry on, the metrics listener's.</summary>
    public static string ListenUrls(IConfiguration config, string apiUrls)
    {
        if (!Enabled(config)) return apiUrls;
        var shared = MetricsPorts(config).Intersect(Ports(apiUrls)).ToList();
        if (shared.Count > 0)
            throw new InvalidOperationException(
                $"LEDGER_METRICS_URLS ({MetricsUrls(config)}) shares port {shared[0]} with the API ({apiUrls}): /metrics needs a listener of its own");
        return apiUrls + ";" + MetricsUrls(config);
    }

    public static void AddLedgerTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<LedgerMetrics>();
        builder.Services.AddSingleton<Ledger.Ingest.IIngestPhaseSink>(sp => sp.GetRequiredService<LedgerMetrics>());
        var config = builder.Configuration;
        if (!Enabled(config)) return;
        builder.Services.AddHostedService<LedgerGaugeReader>();
        var otlp = !string.IsNullOrWhiteSpace(config["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        builder.Services.ConfigureOpenTelemetryMeterProvider((services, m) => m.AddView(OnlyFrom(services.GetRequiredService<IMeterFactory>())));
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(config["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : "ledger"))
            .WithMetrics(m =>
            {
                m.AddMeter(Meters).AddAspNetCoreInstrumentation().AddRuntimeInstrumentation().AddPrometheusExporter();
                // Prometheus reserves the _count suffix for histograms and summaries (promtool rejects these three).
                m.AddView("dotnet.assembly.count", "dotnet.assemblies.loaded")
                    .AddView("dotnet.process.cpu.count", "dotnet.process.cpus")
                    .AddView("dotnet.timer.count", "dotnet.timers");
                if (otlp) m.AddOtlpExporter();
            })
            .WithTracing(t =>
            {
                t.AddSource(Sources).AddAspNetCoreInstrumentation(o => o.Filter = http =>
                    !http.Request.Path.StartsWithSegments("/metrics") && !http.Request.Path.StartsWithSegments("/health"));
                // Spans nobody receives are pure cost: without an exporter none are sampled (a test host adds
                // its own exporter and sampler). With OTLP, a caller's traceparent decides, else every request.
                if (otlp) t.SetSampler(new ParentBasedSampler(new AlwaysOnSampler())).AddOtlpExporter();
                else t.SetSampler(new AlwaysOffSampler());
            });
    }

    /// <summary>First in the pipeline: the metrics port answers <c>/metrics</c> and nothing else; no other port answers it.</summary>
    public static void UseLedgerMetricsListener(this WebApplication app)
    {
        if (!Enabled(app.Configuration)) return;
        var ports = MetricsPorts(app.Configuration);
        app.UseOpenTelemetryPrometheusScrapingEndpoint(http => ports.Contains(http.Connection.LocalPort) && http.Request.Path == "/metrics");
        app.Use((http, next) =>
        {
            if (!ports.Contains(http.Connection.LocalPort)) return next(http);
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
    }

    /// <summary>
    /// Meters made by another host's <see cref="IMeterFactory"/> in the same process (tests run
    /// many hosts) are that host's: without this, every host would also count every other's requests.
    /// </summary>
    private static Func<Instrument, MetricStreamConfiguration?> OnlyFrom(IMeterFactory mine) => instrument =>
        instrument.Meter.Scope is IMeterFactory owner && !ReferenceEquals(owner, mine) ? MetricStreamConfiguration.Drop : null;

    private static HashSet<int> MetricsPorts(IConfiguration config)
    {
        var ports = Ports(MetricsUrls(config));
        if (ports.Contains(0)) throw new InvalidOperationException($"LEDGER_METRICS_URLS ({MetricsUrls(config)}) needs explicit ports");
        return ports;
    }

    private static HashSet<int> Ports(string urls) =>
        urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(u => BindingAddress.Parse(u).Port).ToHashSet();
}
