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

    /// <summary>
    /// The counter must agree with the database after the run, or the figures measured a broken
    /// exporter. The exporter serves scrapes from a short cache, so scrape until it agrees (at most 10 s).
    /// </summary>
    public static async Task CheckAppendedAsync(int port, long expected)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var line = (await http.GetStringAsync("/metrics")).Split('\n').FirstOrDefault(l => l.StartsWith("ledger_events_appended_total", StringComparison.Ordinal))
                ?? throw new InvalidOperationException("ledger_events_appended_total missing from /metrics");
            var value = double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            if (value == expected) return;
            if (DateTime.UtcNow > deadline) throw new InvalidOperationException($"ledger_events_appended_total is {value}, the database holds {expected}");
            await Task.Delay(100);
        }
    }
}
