using System.Diagnostics;

namespace Ledger.Bench;

/// <summary>
/// Sustained load: 4 clients post batches of 500 at a fixed total rate for N minutes. Reports
/// errors, latency percentiles and the API process's resident memory over time.
/// </summary>
internal static class SoakTest
{
    public static async Task RunAsync(int minutes, int rate)
    {
        const int clients = 4, batchSize = 500, counties = 40;
        await IngestBenchmark.WithApiAsync(async (http, writer, api, _) =>
        {
            await IngestBenchmark.PostAsync(http, writer, IngestBenchmark.Body(Workload.Regions(counties)));
            Console.WriteLine($"Soak: {rate:N0} events/s in batches of {batchSize} from {clients} clients for {minutes} min ...");
            var latencies = new List<double>();
            var errors = 0;
            long sent = 0;
            var end = DateTime.UtcNow.AddMinutes(minutes);
            var interval = TimeSpan.FromSeconds((double)batchSize * clients / rate);
            var clock = Stopwatch.StartNew();
            var memory = new List<(double Minute, long Mb)>();
            var sampler = Task.Run(async () =>
            {
                while (DateTime.UtcNow < end)
                {
                    memory.Add((clock.Elapsed.TotalMinutes, ResidentMb(api.Process.Id)));
                    await Task.Delay(TimeSpan.FromSeconds(30));
                }
                memory.Add((clock.Elapsed.TotalMinutes, ResidentMb(api.Process.Id)));
            });
            await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
            {
                var next = clock.Elapsed + TimeSpan.FromTicks(interval.Ticks * c / clients);
                foreach (var batch in Workload.ForClient(c, clients, int.MaxValue, counties).Chunk(batchSize))
                {
                    if (DateTime.UtcNow >= end) break;
                    var wait = next - clock.Elapsed;
                    if (wait > TimeSpan.Zero) await Task.Delay(wait);
                    next += interval;
                    var t = Stopwatch.GetTimestamp();
                    try
                    {
                        await IngestBenchmark.PostAsync(http, writer, IngestBenchmark.Body(batch));
                        Interlocked.Add(ref sent, batch.Length);
                    }
                    catch (Exception)
                    {
                        Interlocked.Increment(ref errors);
                    }
                    lock (latencies) latencies.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
                }
            })));
            await sampler;

            latencies.Sort();
            double P(double q) => latencies[Math.Min(latencies.Count - 1, (int)(q * latencies.Count))];
            Console.WriteLine();
            Console.WriteLine($"| minutes | target events/s | achieved events/s | batches | errors | p50 ms | p95 ms | p99 ms | max ms |");
            Console.WriteLine($"| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            Console.WriteLine($"| {clock.Elapsed.TotalMinutes:F1} | {rate:N0} | {sent / clock.Elapsed.TotalSeconds:N0} | {latencies.Count:N0} | {errors} | " +
                              $"{P(0.5):F0} | {P(0.95):F0} | {P(0.99):F0} | {latencies[^1]:F0} |");
            Console.WriteLine($"\nAPI resident memory (MB) by minute: {string.Join(", ", memory.Select(m => $"{m.Minute:F1}: {m.Mb}"))}");
        }, connections: 8);
    }

    private static long ResidentMb(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:"));
        return line is null ? -1 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
    }
}
