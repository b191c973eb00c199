namespace Ledger.Bench;

/// <summary>
/// The ingest benchmark with telemetry on (metrics, traces recorded, /metrics scraped every 5 s)
/// and off (<c>LEDGER_TELEMETRY=0</c>), alternating on/off, off/on, … so that a machine getting
/// busier or quieter during the run does not favour one side. Each run gets a fresh cluster.
/// </summary>
internal static class TelemetryOverhead
{
    public static async Task RunAsync(int events, int batchSize, int clients, int rounds)
    {
        var runs = new List<(bool On, IngestBenchmark.Run Run)>();
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var on in round % 2 == 1 ? new[] { true, false } : [false, true])
            {
                Console.WriteLine($"round {round}: telemetry {(on ? "on" : "off")}, {events:N0} events ...");
                var run = await IngestBenchmark.MeasureAsync(events, batchSize, clients, on, copyBaseline: false);
                Console.WriteLine($"  {run.Total / run.HttpSeconds:N0} events/s ({run.Scrapes} scrapes)");
                runs.Add((on, run));
            }
        }

        Console.WriteLine();
        Console.WriteLine($"| telemetry | runs | events/s (each run) | mean events/s | batch latency p50 / p95 / p99 ms |");
        Console.WriteLine($"| --- | ---: | --- | ---: | --- |");
        foreach (var on in new[] { false, true })
        {
            var mine = runs.Where(r => r.On == on).Select(r => r.Run).ToList();
            var rates = mine.Select(r => r.Total / r.HttpSeconds).ToList();
            var latencies = mine.SelectMany(r => r.Latencies).Order().ToList();
            double P(double q) => latencies[Math.Min(latencies.Count - 1, (int)(q * latencies.Count))];
            Console.WriteLine($"| {(on ? "on" : "off")} | {mine.Count} | {string.Join(", ", rates.Select(r => r.ToString("N0")))} | {rates.Average():N0} | " +
                              $"{P(0.5):F0} / {P(0.95):F0} / {P(0.99):F0} |");
        }
        var off = runs.Where(r => !r.On).Average(r => r.Run.Total / r.Run.HttpSeconds);
        var onRate = runs.Where(r => r.On).Average(r => r.Run.Total / r.Run.HttpSeconds);
        Console.WriteLine();
        Console.WriteLine($"Throughput with telemetry on: {onRate / off:P1} of off ({(onRate - off) / off:+0.0%;-0.0%}).");
    }
}
