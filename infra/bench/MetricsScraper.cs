using System.Globalization;

namespace Ledger.Bench;

/// <summary>Plays Prometheus during a telemetry-on run: the cost of collecting is part of what is measured.</summary>
internal static class MetricsScraper
{
    public static async Task<int> EveryFiveSecondsAsync(int port, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var scrapes = 0;
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(5), ct);
                (await http.GetAsync("/metrics", ct)).EnsureSuccessStatusCode();
                scrapes++;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return scrapes;
        }
    }

    /// <summary>The counter must agree with the database after the run, or the figures measured a broken exporter.</summary>
    public static async Task CheckAppendedAsync(int port, long expected)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await Task.Delay(TimeSpan.FromSeconds(1)); // the exporter serves a scrape from its 300 ms cache: let the last one expire
        var line = (await http.GetStringAsync("/metrics")).Split('\n').FirstOrDefault(l => l.StartsWith("ledger_events_appended_total", StringComparison.Ordinal))
            ?? throw new InvalidOperationException("ledger_events_appended_total missing from /metrics");
        var value = double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
        if (value != expected) throw new InvalidOperationException($"ledger_events_appended_total is {value}, the database holds {expected}");
    }
}
