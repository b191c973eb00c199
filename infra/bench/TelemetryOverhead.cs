namespace Ledger.Bench;

/// <summary>
/// The ingest benchmark with telemetry on (metrics, traces recorded, /metrics scraped every 5 s)
/// and off (<c>LEDGER_TELEMETRY=0</c>), alternating on/off, off/on, … so that a machine getting
/// busier or quieter during the run does not favour one side. Each run gets a fresh cluster. The
/// API process's CPU per event is reported beside throughput: on a shared machine it is the steadier figure.
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
                Console.WriteLine($"  {run.Total / run.HttpSeconds:N0} events/s, API CPU {CpuPerThousand(run):F1} ms per 1,000 events ({run.Scrapes} scrapes)");
                runs.Add((on, run));
            }
        }

        Console.WriteLine();
        Console.WriteLine("| telemetry | runs | events/s (each run) | mean events/s | API CPU ms per 1,000 events (each run) | median | batch latency p50 / p95 / p99 ms |");
        Console.WriteLine("| --- | ---: | --- | ---: | --- | ---: | --- |");
        foreach (var on in new[] { false, true })
        {
            var mine = runs.Where(r => r.On == on).Select(r => r.Run).ToList();
            var rates = mine.Select(r => r.Total / r.HttpSeconds).ToList();
            var cpu = mine.Select(CpuPerThousand).ToList();
            var latencies = mine.SelectMany(r => r.Latencies).Order().ToList();
            double P(double q) => latencies[Math.Min(latencies.Count - 1, (int)(q * latencies.Count))];
            Console.WriteLine($"| {(on ? "on" : "off")} | {mine.Count} | {string.Join(", ", rates.Select(r => r.ToString("N0")))} | {rates.Average():N0} | " +
                              $"{string.Join(", ", cpu.Select(c => c.ToString("F1")))} | {Median(cpu):F1} | {P(0.5):F0} / {P(0.95):F0} / {P(0.99):F0} |");
        }
        double Rate(bool on) => runs.Where(r => r.On == on).Average(r => r.Run.Total / r.Run.HttpSeconds);
        double Cpu(bool on) => Median(runs.Where(r => r.On == on).Select(r => CpuPerThousand(r.Run)).ToList());
        Console.WriteLine();
        Console.WriteLine($"With telemetry on: throughput {(Rate(true) - Rate(false)) / Rate(false):+0.0%;-0.0%}, " +
                          $"API CPU per event {(Cpu(true) - Cpu(false)) / Cpu(false):+0.0%;-0.0%} (median of runs).");
    }

    private static double CpuPerThousand(IngestBenchmark.Run run) => run.ApiCpuSeconds * 1000 / run.Total * 1000;

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
