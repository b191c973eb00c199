using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Ledger.Bench;

/// <summary>
/// Ingest with geometry (contract 1.1) beside the same batches without it, in one run on one
/// cluster and API: 500-event batches of parcel registrations whose boundaries have ~50 vertices,
/// alternating geometry / plain / plain / geometry … so a machine getting busier favours neither.
/// The plain batches register the same parcels (other keys) with the same data minus the geometry.
/// </summary>
internal static class GeometryBenchmark
{
    public const int Vertices = 50;

    public static async Task RunAsync(int batches, int batchSize, int clients) => await IngestBenchmark.WithApiAsync(async (http, writer, api, pg) =>
    {
        await IngestBenchmark.PostAsync(http, writer, IngestBenchmark.Body(Workload.Regions(clients)));
        var committed = 1; // batches the service has committed so far, which the phase histogram must have counted
        async Task<(double Seconds, List<double> Latencies)> RoundAsync(int round, bool geometry, bool warmup = false)
        {
            var bodies = Enumerable.Range(0, clients).Select(c => IngestBenchmark.Body(Parcels(round, c, batchSize, geometry, warmup))).ToList();
            var latencies = new List<double>();
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(bodies.Select(body => Task.Run(async () =>
            {
                var t = Stopwatch.GetTimestamp();
                await IngestBenchmark.PostAsync(http, writer, body);
                lock (latencies) latencies.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
            })));
            committed += clients;
            return (clock.Elapsed.TotalSeconds, latencies);
        }

        // Untimed warm-up, as in the ingest benchmark: the JIT's tiering would otherwise weigh on the first rounds of both kinds.
        Console.WriteLine($"Warming up for {IngestBenchmark.Warmup.TotalSeconds:F0} s, untimed ...");
        var warm = Stopwatch.StartNew();
        for (var round = batches; warm.Elapsed < IngestBenchmark.Warmup; round++)
            await RoundAsync(round, geometry: round % 2 == 0, warmup: true);

        await IngestProfile.ResetAsync(pg.ConnectionString());
        var rounds = new Dictionary<bool, List<(double Seconds, List<double> Latencies)>> { [true] = [], [false] = [] };
        // Rounds run one kind at a time, so the phase histogram's growth over a round is that kind's. The exporter answers
        // scrapes from a short cache, so each read waits (outside the timed round) until it has counted every batch so far.
        Task<Dictionary<string, double>> PhasesAsync() => IngestProfile.PhasesOnceCountedAsync(api.MetricsPort, committed);
        var phases = new Dictionary<bool, Dictionary<string, double>> { [true] = [], [false] = [] };
        for (var round = 0; round < batches; round++)
            foreach (var geometry in round % 2 == 0 ? new[] { true, false } : [false, true])
            {
                var before = await PhasesAsync();
                rounds[geometry].Add(await RoundAsync(round, geometry));
                foreach (var (phase, seconds) in await PhasesAsync())
                    phases[geometry][phase] = phases[geometry].GetValueOrDefault(phase) + seconds - before.GetValueOrDefault(phase);
            }

        Console.WriteLine();
        Console.WriteLine($"| batches | events | seconds | events/s | batch latency p50 / p95 ms |");
        Console.WriteLine($"| --- | ---: | ---: | ---: | --- |");
        var rate = new Dictionary<bool, double>();
        foreach (var geometry in new[] { false, true })
        {
            var events = rounds[geometry].Count * clients * batchSize;
            var seconds = rounds[geometry].Sum(r => r.Seconds);
            var latencies = rounds[geometry].SelectMany(r => r.Latencies).Order().ToList();
            double P(double q) => latencies[Math.Min(latencies.Count - 1, (int)(q * latencies.Count))];
            rate[geometry] = events / seconds;
            Console.WriteLine($"| {(geometry ? $"with ~{Vertices}-vertex boundaries" : "without geometry")} | {events:N0} | {seconds:F1} | {rate[geometry]:N0} | {P(0.5):F0} / {P(0.95):F0} |");
        }
        Console.WriteLine();
        Console.WriteLine($"Geometry costs {rate[false] / rate[true] - 1:+0.0%;-0.0%} time per event (throughput {rate[true] / rate[false] - 1:+0.0%;-0.0%}).");
        Console.WriteLine();
        Console.WriteLine("Server time per batch by phase (ledger_ingest_phase_duration_seconds):");
        Console.WriteLine("| phase | without geometry, ms | with geometry, ms |");
        Console.WriteLine("| --- | ---: | ---: |");
        var perBatch = batches * clients;
        foreach (var phase in phases[true].Keys.Union(phases[false].Keys))
            Console.WriteLine($"| {phase} | {phases[false].GetValueOrDefault(phase) * 1000 / perBatch:F1} | {phases[true].GetValueOrDefault(phase) * 1000 / perBatch:F1} |");
        await IngestProfile.PrintStatementsAsync(pg.ConnectionString(), 2 * perBatch);
    }, clients * 2);

    /// <summary>
    /// A grid of round parcels about 220 × 200 m near 113°E 34°N, about 3.46 ha each, declared at 3 ha (net of 田坎).
    /// The grid repeats every 32 rounds (further north the ellipses would shrink below 3 ha); the keys do not.
    /// </summary>
    internal static JsonObject[] Parcels(int round, int client, int count, bool geometry, bool warmup) => Enumerable.Range(0, count).Select(i =>
    {
        var n = (round * 16 + client) * count + i;
        var cell = (round % 32 * 16 + client) * count + i;
        var (lon, lat) = (113.0 + cell % 300 * 0.003, 34.0 + cell / 300 * 0.003);
        var ring = new JsonArray();
        for (var v = 0; v <= Vertices; v++)
        {
            var a = 2 * Math.PI * (v % Vertices) / Vertices;
            ring.Add(new JsonArray(Math.Round(lon + 0.0012 * Math.Cos(a), 7), Math.Round(lat + 0.0009 * Math.Sin(a), 7)));
        }
        var data = new JsonObject
        {
            ["areaHa"] = 3m, ["landType"] = "dry", ["qualityGrade"] = 5, ["permanentBasic"] = false, ["origin"] = "baseline",
        };
        if (geometry) data["geometry"] = new JsonObject { ["type"] = "Polygon", ["coordinates"] = new JsonArray(ring) };
        var county = Workload.County(client);
        return new JsonObject
        {
            ["eventId"] = Guid.NewGuid().ToString(), ["type"] = "farmland.parcel-registered", ["stream"] = $"{county}-{(warmup ? "W" : geometry ? "G" : "P")}{n:0000000}",
            ["regionCode"] = county, ["effectiveDate"] = "2020-01-01", ["data"] = data,
        };
    }).ToArray();
}
