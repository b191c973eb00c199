using System.Diagnostics;
using Ledger.Imports;
using Microsoft.Data.Sqlite;
using Shouldly;

namespace Ledger.Tests.Hostile;

/// <summary>The hostile layer files read in-process: each is refused, or its features rejected, within seconds and bytes.</summary>
public sealed class HostileLayerFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ledger-test-hostile-").FullName;

    public void Dispose() => Directory.Delete(_folder, true);

    private string Write(byte[] bytes, string name = "layer.gpkg")
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void a_features_table_that_is_a_view_is_refused_at_once()
    {
        var clock = Stopwatch.StartNew();
        Should.Throw<ImportFileException>(() => ImportFiles.Open(Write(HostileLayerFiles.EndlessView()), "v.gpkg", _folder))
            .Message.ShouldContain("which is a view; only a plain table is imported");
        Should.Throw<ImportFileException>(() => ImportFiles.Open(Write(HostileLayerFiles.BlobBombView(), "b.gpkg"), "b.gpkg", _folder))
            .Message.ShouldContain("which is a view");
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void geometry_blobs_are_judged_by_their_size_and_declared_counts_before_anything_is_built()
    {
        var before = GC.GetTotalAllocatedBytes(precise: true);
        using var source = ImportFiles.Open(Write(HostileLayerFiles.CountBombTable()), "c.gpkg", _folder);
        var features = source.Features().ToList();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        features.Count.ShouldBe(502);
        features[0].GeometryProblem.ShouldBeNull(); // the honest parcel the file began with
        features[1].GeometryProblem.ShouldBe("has a geometry that does not read: it declares 2,000,000 parts or points, more than its 77 bytes can hold");
        features.Skip(1).Take(500).ShouldAllBe(f => f.Geometry == null && f.GeometryProblem == features[1].GeometryProblem);
        features[^1].GeometryProblem!.ShouldStartWith("has a geometry of 5,000,0");
        // 500 × 2 M points would be 24 GB of coordinates; what was allocated is the rows as read.
        allocated.ShouldBeLessThan(64L * 1024 * 1024);
    }

    [Fact]
    public void attribute_values_are_clipped_as_they_are_read()
    {
        using var source = ImportFiles.Open(Write(HostileLayerFiles.LongValues()), "l.gpkg", _folder);
        var first = source.Features().First();
        ((string)first.Attributes["ZLDWDM"]!).Length.ShouldBe(GeoPackageSource.MaxAttributeChars);
        source.Count.ShouldBe(2000);
    }

    [Fact]
    public void a_statement_that_outlives_its_step_budget_is_interrupted()
    {
        using var conn = new SqliteConnection("Data Source=:memory:");
        conn.Open();
        var budget = new SqliteBudget(conn, CancellationToken.None, TimeSpan.FromMilliseconds(300));
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "with recursive r(n) as (select 1 union all select n + 1 from r) select count(*) from r";
        var clock = Stopwatch.StartNew();
        var e = Should.Throw<SqliteException>(() => cmd.ExecuteScalar());
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5));
        SqliteBudget.Explain(e, budget).Message.ShouldContain("took longer than 0 s to read one step");
        budget.Restart();
        cmd.CommandText = "select length(zeroblob(20000000))";
        SqliteBudget.Explain(Should.Throw<SqliteException>(() => cmd.ExecuteScalar()), budget).Message.ShouldContain("longer than 16 MiB");
    }

    [Fact]
    public void a_cancelled_job_interrupts_its_statement()
    {
        using var conn = new SqliteConnection("Data Source=:memory:");
        conn.Open();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        _ = new SqliteBudget(conn, cancel.Token, TimeSpan.FromMinutes(5));
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "with recursive r(n) as (select 1 union all select n + 1 from r) select count(*) from r";
        Should.Throw<SqliteException>(() => cmd.ExecuteScalar()).SqliteErrorCode.ShouldBe(9);
    }

    [Fact]
    public void a_zip_whose_entries_collide_is_refused_not_a_crash()
    {
        Should.Throw<ImportFileException>(() => ImportFiles.Open(Write(HostileLayerFiles.CollidingZip(), "x.zip"), "x.zip", _folder))
            .Message.ShouldContain("entries collide at x");
    }

    [Fact]
    public void a_huge_crs_name_is_not_echoed_whole()
    {
        Crs.Name("GEOGCS[\"" + new string('A', 5_000_000) + "\"]").Length.ShouldBeLessThan(100);
    }

    [Fact]
    public void a_shapefile_record_larger_than_the_geometry_cap_refuses_the_file_before_it_is_read()
    {
        var shp = Path.Combine(_folder, "DLTB.shp");
        using (var file = File.Create(shp))
        {
            var header = new byte[100];
            header[3] = 0x0A; // file code 9994, big-endian
            header[2] = 0x27;
            file.Write(header);
            Span<byte> record = stackalloc byte[8];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(record, 1);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(record[4..], 4_000_000); // 8 MB in 16-bit words
            file.Write(record);
        }
        Should.Throw<ImportFileException>(() => new ShapefileSource(shp)).Message.ShouldContain("holds a shape of 8,000,000 bytes");
    }

    [Theory]
    [InlineData("0103000000" + "01000000" + "FFFFFFFF", "declares 4,294,967,295 parts or points")]
    [InlineData("0101000000" + "000000000000F03F000000000000F03F", "is a Point; the layer takes polygons")]
    [InlineData("0106000000" + "01000000" + "0101000000" + "000000000000F03F000000000000F03F", "holding something other than polygons")]
    [InlineData("0203000000", "byte order 2 is neither 0 nor 1")]
    [InlineData("01030000", "ends inside a geometry header")]
    public void wkb_counts_and_types_are_checked_against_the_bytes(string hex, string problem)
    {
        WkbScan.Problem(Convert.FromHexString(hex), 100_000)!.ShouldContain(problem);
    }

    [Fact]
    public void a_polygon_within_its_bytes_and_the_vertex_cap_passes()
    {
        var ring = new NetTopologySuite.Geometries.GeometryFactory().CreatePolygon([new(0, 0), new(1, 0), new(1, 1), new(0, 0)]);
        WkbScan.Problem(new NetTopologySuite.IO.WKBWriter().Write(ring), 100_000).ShouldBeNull();
        WkbScan.Problem(new NetTopologySuite.IO.WKBWriter().Write(ring), 3).ShouldBe("has more than 3 vertices");
    }
}
