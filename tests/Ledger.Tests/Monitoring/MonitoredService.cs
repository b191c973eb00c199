using System.Globalization;
using Ledger.Storage;
using Ledger.Tests.Reliability;
using Ledger.Tests.Support;

namespace Ledger.Tests.Monitoring;

/// <summary>
/// The real service as a process on two real ports (the API's and the metrics listener's: the
/// in-memory test server has no ports to tell apart), on a cluster of its own, shared by the
/// monitoring tests. The gauges are re-read every second instead of every 15.
/// </summary>
public sealed class MonitoredService : IAsyncLifetime
{
    public const string AdminKey = "monitoring-admin";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"ledger-metrics-{Guid.NewGuid():N}");
    private EmbeddedPostgres? _pg;
    private ApiProcess? _api;

    public HttpClient Api { get; private set; } = null!;
    public HttpClient Metrics { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _pg = await EmbeddedPostgres.StartAsync(_dir, durable: false);
        _api = new ApiProcess(_pg.ConnectionString(), AdminKey, ServiceFolder.KeyFile(_dir),
            new Dictionary<string, string>
            {
                ["LEDGER_METRICS_REFRESH_SECONDS"] = "1",
                // The default, stated: the in-process test hosts raise it in this process's environment, which a child inherits.
                ["LEDGER_ADDRESS_RATE_LIMIT"] = "20",
            });
        await _api.StartAsync();
        Api = new HttpClient { BaseAddress = _api.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        Metrics = new HttpClient { BaseAddress = _api.MetricsAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public Task<string> KeyAsync(string name, string role) => _api!.IssueKeyAsync(name, role);

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string? key, string? json = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (json is not null) request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        if (key is not null) request.Headers.Add("X-Api-Key", key);
        return await Api.SendAsync(request);
    }

    /// <summary>Scrapes until <paramref name="ready"/> holds (the gauges are read in the background), at most 30 s.</summary>
    public async Task<string> ScrapeAsync(Func<string, bool> ready)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var text = await Metrics.GetStringAsync("/metrics");
            if (ready(text) || DateTime.UtcNow > deadline) return text;
            await Task.Delay(250);
        }
    }

    /// <summary>The sum of a metric's samples (over all label sets containing <paramref name="labels"/>); null when absent.</summary>
    public static double? Value(string scrape, string name, string labels = "")
    {
        var samples = scrape.Split('\n')
            .Where(l => l.StartsWith(name + "{", StringComparison.Ordinal) || l.StartsWith(name + " ", StringComparison.Ordinal))
            .Where(l => l.Contains(labels, StringComparison.Ordinal))
            .Select(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture))
            .ToList();
        return samples.Count == 0 ? null : samples.Sum();
    }

    public async Task DisposeAsync()
    {
        Api?.Dispose();
        Metrics?.Dispose();
        if (_api is not null) await _api.DisposeAsync();
        if (_pg is not null) await _pg.StopAsync();
        ServiceFolder.Remove(_dir);
    }
}
