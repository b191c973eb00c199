using System.Diagnostics;
using System.Text.Json;
using Ledger.Spatial;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace Ledger.Bench;

/// <summary>
/// What writing a GeoPackage export costs in the service, without the database: N 21-position parcels through
/// <see cref="GeoPackageWriter"/> (the R-tree included since decision 80), timed over several files after an untimed one.
/// </summary>
internal static class GeoPackageWriteBenchmark
{
    public static void Run(int features, int files)
    {
        if (features < 1 || files < 1) throw new ArgumentException("--features and --files must be at least 1");
        var factory = new GeometryFactory(new PrecisionModel(), Ledger.Storage.Postgis.Srid);
        var wkb = new WKBWriter(ByteOrder.LittleEndian, false, false);
        using var properties = JsonDocument.Parse("""{"stream":"410102-000001","version":1,"areaHa":1.2345,"eventId":"00000000-0000-0000-0000-000000000001","effectiveDate":"2024-12-31","landType":"paddy"}""");
        var side = (int)Math.Ceiling(Math.Sqrt(features));
        var parcels = Enumerable.Range(0, features).Select(i =>
        {
            var shape = factory.CreateMultiPolygon([CountyBenchmark.Parcel(factory, i, side)]);
            var e = shape.EnvelopeInternal;
            return new MapFeature(Layers.Farmland, wkb.Write(shape), new BoundingBox(e.MinX, e.MinY, e.MaxX, e.MaxY), properties.RootElement);
        }).ToList();
        var seconds = new List<double>();
        long bytes = 0;
        for (var f = -1; f < files; f++)
        {
            var path = Path.Combine(Path.GetTempPath(), $"ledger-gpkg-bench-{Guid.NewGuid():N}.gpkg");
            try
            {
                var clock = Stopwatch.StartNew();
                using (var writer = new GeoPackageWriter(path, [Layers.Farmland], new GeoPackageInfo("410102", new NodaTime.LocalDate(2024, 12, 31),
                           NodaTime.SystemClock.Instance.GetCurrentInstant(), NodaTime.SystemClock.Instance.GetCurrentInstant())))
                {
                    foreach (var p in parcels) writer.Add(p);
                    writer.Complete();
                }
                if (f >= 0) seconds.Add(clock.Elapsed.TotalSeconds);
                bytes = new FileInfo(path).Length;
            }
            finally
            {
                File.Delete(path);
            }
        }
        seconds.Sort();
        Console.WriteLine($"GeoPackage export of {features:N0} 21-position parcels, {files} files after an untimed one ({DateTime.UtcNow:yyyy-MM-dd}): " +
                          $"median {seconds[seconds.Count / 2]:F3} s ({features / seconds[seconds.Count / 2]:N0} features/s), " +
                          $"fastest {seconds[0]:F3} s, {bytes / 1048576.0:F1} MiB");
    }
}
