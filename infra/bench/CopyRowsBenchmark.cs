using System.Diagnostics;
using Ledger.Flows;
using Ledger.Investigations;
using Ledger.Spatial;
using Ledger.Storage;
using NetTopologySuite.Geometries;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace Ledger.Bench;

/// <summary>
/// What issue 27's granted bulk path (binary COPY) would save: an import batch's derived rows — flows, the event index and
/// <c>geo_versions</c> with 21-position boundaries — written into the ledger's own tables (their indexes included) once by the
/// statements the ingest runs (<c>insert … select * from unnest(…)</c>) and once by binary COPY, alternating, a transaction a
/// round. It prints each way's wall time and PostgreSQL CPU per 1,000 rows of each table.
/// </summary>
internal static class CopyRowsBenchmark
{
    public static async Task RunAsync(int rows, int rounds)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), $"ledger-bench-{Environment.ProcessId}-{Guid.NewGuid():N}");
        await using var pg = await EmbeddedPostgres.StartAsync(dataDir, durable: true, Console.WriteLine, IngestProfile.ServerOptions);
        var (db, store) = await BenchDatabase.PrepareAsync(pg.ConnectionString());
        store.Dispose();
        var seq = 0L;
        var times = new Dictionary<string, List<(double Wall, double Cpu)>> { ["insert"] = [], ["copy"] = [] };
        // Two untimed rounds each way first: plans, caches and the JIT.
        for (var r = -2; r < rounds; r++)
            foreach (var way in r % 2 == 0 ? new[] { "insert", "copy" } : ["copy", "insert"])
            {
                var batch = Rows(rows, ref seq);
                var cpu = IngestProfile.PostgresCpuSeconds();
                var clock = Stopwatch.StartNew();
                await using (var conn = await db.OpenConnectionAsync())
                await using (var tx = await conn.BeginTransactionAsync())
                {
                    if (way == "insert") await InsertAsync(conn, tx, batch);
                    else await CopyAsync(conn, batch);
                    await tx.CommitAsync();
                }
                if (r >= 0) times[way].Add((clock.Elapsed.TotalMilliseconds, (IngestProfile.PostgresCpuSeconds() - cpu) * 1000));
            }
        Console.WriteLine();
        Console.WriteLine($"{rounds} rounds each way of {rows:N0} flows + {rows:N0} event index rows + {rows:N0} geo_versions rows (21 positions), " +
                          $"one transaction a round, alternating; {DateTime.UtcNow:yyyy-MM-dd}, load average {OgcBenchmark.LoadAverage()}");
        Console.WriteLine();
        Console.WriteLine("| way | wall ms per round: mean | p50 | PostgreSQL CPU ms per round (/proc, 10 ms ticks): mean |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        foreach (var (way, t) in times)
        {
            var walls = t.Select(x => x.Wall).Order().ToList();
            Console.WriteLine($"| {way} | {walls.Average():F1} | {walls[walls.Count / 2]:F1} | {t.Average(x => x.Cpu):F1} |");
        }
        var (insertWall, copyWall) = (times["insert"].Average(x => x.Wall), times["copy"].Average(x => x.Wall));
        var (insertCpu, copyCpu) = (times["insert"].Average(x => x.Cpu), times["copy"].Average(x => x.Cpu));
        Console.WriteLine();
        Console.WriteLine($"COPY / insert: wall {copyWall / insertWall:F2}×, PostgreSQL CPU {copyCpu / insertCpu:F2}×");
        await db.DisposeAsync();
    }

    private sealed record Batch(List<FlowRow> Flows, List<EventIndexRow> Index, List<GeoRow> Shapes);

    private static Batch Rows(int n, ref long seq)
    {
        var factory = new GeometryFactory(new PrecisionModel(), Postgis.Srid);
        var recorded = SystemClock.Instance.GetCurrentInstant();
        var date = new LocalDate(2024, 12, 31);
        var (flows, index, shapes) = (new List<FlowRow>(), new List<EventIndexRow>(), new List<GeoRow>());
        for (var i = 0; i < n; i++)
        {
            var s = ++seq;
            var (id, stream, region) = (Guid.NewGuid(), $"farmland:410102-B{s:D8}", "410102");
            flows.Add(new FlowRow(s, id, stream, region, new Flow(Accounts.Farmland, "registration", "stock", 1.2345m, null, "0101", null), date, recorded));
            index.Add(new EventIndexRow(s, id, "farmland.parcel-registered", stream, region, date, recorded, "bench"));
            shapes.Add(new GeoRow(s, Layers.Farmland, id, "farmland.parcel-registered", stream, region, 1, date, recorded, 1.2345m,
                factory.CreateMultiPolygon([CountyBenchmark.Parcel(factory, (int)(s % 1_000_000), 1000)])));
        }
        return new Batch(flows, index, shapes);
    }

    private static async Task InsertAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Batch b)
    {
        var writes = new List<NpgsqlBatchCommand> { FlowWriter.Inserts(b.Flows, [])[0], EventIndex.Insert(b.Index) };
        await SqlBatch.ExecuteAsync(conn, tx, writes, CancellationToken.None);
        await GeoWriter.WriteAsync(conn, tx, b.Shapes, CancellationToken.None);
    }

    private static async Task CopyAsync(NpgsqlConnection conn, Batch b)
    {
        var s = LedgerStore.Schema;
        await using (var flows = await conn.BeginBinaryImportAsync(FlowWriter.Copy()))
        {
            foreach (var f in b.Flows) await FlowWriter.WriteAsync(flows, f, CancellationToken.None);
            await flows.CompleteAsync();
        }
        await using (var index = await conn.BeginBinaryImportAsync(
            $"copy {s}.{EventIndex.Table} (seq, event_id, type, stream_id, region_code, effective_date, recorded_at, client) from stdin (format binary)"))
        {
            foreach (var r in b.Index)
            {
                await index.StartRowAsync();
                await index.WriteAsync(r.Seq, NpgsqlDbType.Bigint);
                await index.WriteAsync(r.EventId, NpgsqlDbType.Uuid);
                await index.WriteAsync(r.Type, NpgsqlDbType.Text);
                await index.WriteAsync(r.StreamId, NpgsqlDbType.Text);
                await index.WriteAsync(r.RegionCode, NpgsqlDbType.Text);
                await index.WriteAsync(r.EffectiveDate.ToDateOnly(), NpgsqlDbType.Date);
                await index.WriteAsync(r.RecordedAt.ToDateTimeUtc(), NpgsqlDbType.TimestampTz);
                await index.WriteAsync(r.Client, NpgsqlDbType.Text);
            }
            await index.CompleteAsync();
        }
        await using var geo = await conn.BeginBinaryImportAsync(
            $"copy {s}.{GeoTables.Versions} (seq, layer, event_id, type, stream_id, region_code, version, effective_date, recorded_at, area_ha, geom) from stdin (format binary)");
        foreach (var g in b.Shapes)
        {
            await geo.StartRowAsync();
            await geo.WriteAsync(g.Seq, NpgsqlDbType.Bigint);
            await geo.WriteAsync(g.Layer, NpgsqlDbType.Text);
            await geo.WriteAsync(g.EventId, NpgsqlDbType.Uuid);
            await geo.WriteAsync(g.Type, NpgsqlDbType.Text);
            await geo.WriteAsync(g.StreamId, NpgsqlDbType.Text);
            await geo.WriteAsync(g.RegionCode, NpgsqlDbType.Text);
            await geo.WriteAsync(g.Version, NpgsqlDbType.Bigint);
            await geo.WriteAsync(g.EffectiveDate.ToDateOnly(), NpgsqlDbType.Date);
            await geo.WriteAsync(g.RecordedAt.ToDateTimeUtc(), NpgsqlDbType.TimestampTz);
            await geo.WriteAsync(g.AreaHa!.Value, NpgsqlDbType.Numeric);
            await geo.WriteAsync((Geometry)g.Geometry!, NpgsqlDbType.Geometry);
        }
        await geo.CompleteAsync();
    }
}
