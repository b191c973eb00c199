using System.Diagnostics;
using System.Text.Json;
using Ledger.Events;
using Ledger.Ingest;
using Marten;
using Npgsql;

namespace Ledger.Bench;

/// <summary>
/// The CPU a 500-event batch costs in the API's own code, without HTTP, the database or other
/// threads: one thread, the same bodies the ingest benchmark posts, each step timed alone.
/// What the per-phase histogram cannot separate from waiting for a core.
/// </summary>
internal static class IngestCpu
{
    /// <param name="geometry">Post the geometry benchmark's parcel registrations with ~50-vertex boundaries instead of the ingest workload.</param>
    public static void Run(int batches, int batchSize, bool geometry)
    {
        var counties = 40;
        var bodies = (geometry
                ? Enumerable.Range(0, batches).Select(b => IngestBenchmark.Body(GeometryBenchmark.Parcels(b % 32, 0, batchSize, geometry: true, warmup: false)))
                : Workload.ForClient(0, 1, batches * batchSize, counties).Chunk(batchSize).Select(IngestBenchmark.Body))
            .Select(System.Text.Encoding.UTF8.GetBytes).ToList();
        using var dataSource = NpgsqlDataSource.Create("Host=/nonexistent;Database=none");
        using var store = Storage.LedgerStore.Create(dataSource);
        var serializer = store.Options.Serializer();

        var steps = new Dictionary<string, double>();
        void Time(string step, Action body)
        {
            var t = Stopwatch.GetTimestamp();
            body();
            steps[step] = steps.GetValueOrDefault(step) + Stopwatch.GetElapsedTime(t).TotalMilliseconds;
        }

        for (var round = 0; round < 2; round++) // the first round warms the JIT up
        {
            steps.Clear();
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            foreach (var body in bodies)
            {
                JsonDocument doc = null!;
                Time("JSON parse (JsonDocument)", () => doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 }));
                BatchParser.Outcome parsed = null!;
                Time("BatchParser.Parse (fields, rules of shape, typed events, content hashes)", () => parsed = BatchParser.Parse(doc.RootElement));
                Time("  of which content hashes", () =>
                {
                    foreach (var item in doc.RootElement.GetProperty("events").EnumerateArray()) ContentHash.Of(item);
                });
                if (geometry)
                {
                    var drawn = doc.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("data").GetProperty("geometry")).ToList();
                    var shapes = new List<Spatial.Shape>();
                    Time("  of which boundaries read (GeoJSON to NTS, validity, area, stored form)", () =>
                    {
                        foreach (var g in drawn) shapes.Add(Spatial.GeoJsonReader.ReadPosted(g).Shape!);
                    });
                    Time("    of which the validity test alone (IsValidOp)", () =>
                    {
                        foreach (var shape in shapes) _ = new NetTopologySuite.Operation.Valid.IsValidOp(shape.Geometry).IsValid;
                    });
                    Time("    of which the ellipsoidal area alone", () =>
                    {
                        foreach (var shape in shapes) Spatial.EllipsoidArea.Hectares(shape.Geometry);
                    });
                    Time("    of which the stored form alone", () =>
                    {
                        foreach (var g in drawn) Spatial.StoredGeometry.Of(g);
                    });
                }
                string[] data = null!;
                Time("serialize event data (Marten's serializer)", () => data = parsed.Events.Select(e => serializer.ToJson(e.Event)).ToArray());
                Time("chain texts (data rendered as jsonb prints it)", () =>
                {
                    var recorded = Chain.ChainTables.RecordedText(DateTime.UtcNow);
                    for (var i = 0; i < data.Length; i++)
                        Chain.ChainTables.Canonical(i, parsed.Events[i].EventId, parsed.Events[i].StreamId, 1, parsed.Events[i].Spec.Name, data[i],
                            recorded, "bench", """{"contentHash": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}""");
                });
                doc.Dispose();
            }
            allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
            if (round == 0) continue;
            Console.WriteLine($"One thread, {bodies.Count} batches of {batchSize}{(geometry ? " parcels with ~50-vertex boundaries" : "")} ({bodies.Average(b => b.Length) / 1024:F0} KiB each):");
            Console.WriteLine("| step | ms per batch |");
            Console.WriteLine("| --- | ---: |");
            foreach (var (step, ms) in steps) Console.WriteLine($"| {step} | {ms / bodies.Count:F2} |");
            Console.WriteLine($"allocated: {allocated / (double)bodies.Count / 1048576:F2} MiB per batch");
        }
    }
}
