using Ledger.Tests.Imports;
using Microsoft.Data.Sqlite;

namespace Ledger.Tests.Hostile;

/// <summary>
/// The layer files of the second security review (issue 29), built from an honest 三调 GeoPackage
/// by a few statements each, so every attack is small and plain to read.
/// </summary>
public static class HostileLayerFiles
{
    /// <summary>
    /// The GeoPackage header (little-endian, no envelope, SRS 4490) and a polygon of one ring
    /// declaring 2,000,000 points. SQLite's <c>||</c> makes text, so each use is cast back to a blob.
    /// </summary>
    private const string TwoMillionPoints = "X'475000018A110000' || X'0103000000' || X'01000000' || X'80841E00'";

    /// <summary>The features "table" is a view over an endless recursive CTE: reading it never ends.</summary>
    public static byte[] EndlessView() => Altered("""
        alter table DLTB rename to DLTB_rows;
        create view DLTB as with recursive r(n) as (select 1 union all select n + 1 from r) select d.* from DLTB_rows d, r;
        """);

    /// <summary>The review's memory bomb: a view returning four geometry blobs of 2 M vertices made by zeroblob (a 20 KB file).</summary>
    public static byte[] BlobBombView() => Altered($"""
        alter table DLTB rename to DLTB_rows;
        create view DLTB as select d.fid, cast({TwoMillionPoints} || zeroblob(32000000) as blob) geom, d.BSM, d.DLBM, d.TBDLMJ, d.ZLDWDM, d.ZLDJ
          from DLTB_rows d, (select 1 union all select 2 union all select 3 union all select 4);
        """);

    /// <summary>
    /// A plain table of 500 tiny blobs each declaring 2 M points (a reader would allocate them
    /// before reading any), and one blob of 5 MB, over the geometry cap.
    /// </summary>
    public static byte[] CountBombTable() => Altered($"""
        with recursive n(i) as (select 1 union all select i + 1 from n where i < 500)
        insert into DLTB (geom, BSM, DLBM, TBDLMJ, ZLDWDM, ZLDJ)
          select cast({TwoMillionPoints} || zeroblob(64) as blob), 'B' || i, '0101', 1000, '{LayerFiles.Zldwdm}', 4 from n;
        insert into DLTB (geom, BSM, DLBM, TBDLMJ, ZLDWDM, ZLDJ)
          values (cast({TwoMillionPoints} || zeroblob(5000000) as blob), 'BIG', '0101', 1000, '{LayerFiles.Zldwdm}', 4);
        """);

    /// <summary>2,000 features rejected for a 50 KB ZLDWDM that the rejection would quote whole.</summary>
    public static byte[] LongValues() => Altered("""
        with recursive n(i) as (select 1 union all select i + 1 from n where i < 2000)
        insert into DLTB (geom, BSM, DLBM, TBDLMJ, ZLDWDM, ZLDJ)
          select (select geom from DLTB where BSM = '1'), 'L' || i, '0101', 1000, replace(hex(zeroblob(25000)), '0', 'x'), 4 from n;
        delete from DLTB where BSM = '1';
        """);

    /// <summary>An honest GeoPackage of <paramref name="count"/> parcels (BSM 1…count) in county 410102.</summary>
    public static byte[] Parcels(int count, string prefix = "") => Altered($"""
        with recursive n(i) as (select 2 union all select i + 1 from n where i < {count})
        insert into DLTB (geom, BSM, DLBM, TBDLMJ, ZLDWDM, ZLDJ)
          select (select geom from DLTB where BSM = '{prefix}1'), '{prefix}' || i, '0101', TBDLMJ, ZLDWDM, 4 from DLTB, n where BSM = '{prefix}1';
        """, prefix);

    /// <summary>A zip holding a folder <c>x/</c> and a file <c>x</c>: the second cannot be written where the first is.</summary>
    public static byte[] CollidingZip()
    {
        using var zip = new MemoryStream();
        using (var archive = new System.IO.Compression.ZipArchive(zip, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            archive.CreateEntry("x/");
            using var file = archive.CreateEntry("x").Open();
            file.Write("not a folder"u8);
        }
        return zip.ToArray();
    }

    /// <summary>A zip of one entry of <paramref name="bytes"/> zeros: a few hundred KB that unpack to gigabytes.</summary>
    public static byte[] ZipBomb(long bytes)
    {
        using var zip = new MemoryStream();
        using (var archive = new System.IO.Compression.ZipArchive(zip, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        using (var entry = archive.CreateEntry("DLTB.shp", System.IO.Compression.CompressionLevel.SmallestSize).Open())
        {
            var zeros = new byte[1024 * 1024];
            for (long written = 0; written < bytes; written += zeros.Length) entry.Write(zeros);
        }
        return zip.ToArray();
    }

    private static byte[] Altered(string sql, string prefix = "")
    {
        var path = Path.Combine(Path.GetTempPath(), $"ledger-test-hostile-{Guid.NewGuid():N}.gpkg");
        try
        {
            File.WriteAllBytes(path, LayerFiles.GeoPackage(4490, LayerFiles.Parcel(prefix + "1", "0101", 0)));
            using (var conn = new SqliteConnection($"Data Source={path};Pooling=False"))
            {
                conn.Open();
                using var cmd = conn.CreateCommand();
                cmd.CommandText = sql;
                cmd.ExecuteNonQuery();
            }
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
