using System.IO.Compression;
using System.Text.Json.Nodes;
using Ledger.Tests.Support;
using Microsoft.Data.Sqlite;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace Ledger.Tests.Imports;

/// <summary>Layer files for the import tests, written the way survey software writes them: 三调 地类图斑 fields in county 410102.</summary>
public static class LayerFiles
{
    public const string Zldwdm = "4101020010010000000";

    /// <summary>A 三调-style parcel: the cell's boundary, TBDLMJ in m² a little under the boundary's area (田坎 deducted).</summary>
    public static (string Bsm, string Dlbm, decimal TbdlmjM2, JsonObject Geometry) Parcel(string bsm, string dlbm, double x) =>
        (bsm, dlbm, Math.Round(Geo.AreaHa(Geo.Cell(x, 20, 0.5, 0.5)) * 10_000m * 0.9m, 2), Geo.Cell(x, 20, 0.5, 0.5));

    public static byte[] GeoJson(params (string Bsm, string Dlbm, decimal TbdlmjM2, JsonObject Geometry)[] parcels) =>
        System.Text.Encoding.UTF8.GetBytes(new JsonObject
        {
            ["type"] = "FeatureCollection",
            ["features"] = new JsonArray(parcels.Select(p => (JsonNode)new JsonObject
            {
                ["type"] = "Feature",
                ["properties"] = new JsonObject { ["BSM"] = p.Bsm, ["DLBM"] = p.Dlbm, ["TBDLMJ"] = p.TbdlmjM2, ["ZLDWDM"] = Zldwdm, ["ZLDJ"] = 4 },
                ["geometry"] = p.Geometry.DeepClone(),
            }).ToArray()),
        }.ToJsonString());

    private static Polygon Polygon(JsonObject geometry)
    {
        var ring = geometry["coordinates"]![0]!.AsArray().Select(c => new Coordinate(c![0]!.GetValue<double>(), c[1]!.GetValue<double>())).ToArray();
        return new GeometryFactory(new PrecisionModel(), 4490).CreatePolygon(ring);
    }

    private static AttributesTable Attributes((string Bsm, string Dlbm, decimal TbdlmjM2, JsonObject Geometry) p) =>
        new() { { "BSM", p.Bsm }, { "DLBM", p.Dlbm }, { "TBDLMJ", (double)p.TbdlmjM2 }, { "ZLDWDM", Zldwdm }, { "ZLDJ", 4 } };

    public const string Cgcs2000Prj = "GEOGCS[\"China Geodetic Coordinate System 2000\",DATUM[\"D_China_2000\",SPHEROID[\"CGCS2000\",6378137.0,298.257222101]]," +
                                      "PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]]";

    public const string GaussKrugerPrj = "PROJCS[\"CGCS2000_3_Degree_GK_CM_114E\",GEOGCS[\"GCS_China_Geodetic_Coordinate_System_2000\"," +
                                         "DATUM[\"D_China_2000\",SPHEROID[\"CGCS2000\",6378137.0,298.257222101]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]]," +
                                         "PROJECTION[\"Gauss_Kruger\"],PARAMETER[\"False_Easting\",500000.0],UNIT[\"Meter\",1.0]]";

    /// <summary>A zipped Shapefile (.shp, .shx, .dbf and the given .prj), written by NetTopologySuite.</summary>
    public static byte[] ZippedShapefile(string prj, params (string Bsm, string Dlbm, decimal TbdlmjM2, JsonObject Geometry)[] parcels)
    {
        var folder = Directory.CreateTempSubdirectory("ledger-test-shp-").FullName;
        try
        {
            var shp = Path.Combine(folder, "DLTB.shp");
            NetTopologySuite.IO.Esri.Shapefile.WriteAllFeatures(parcels.Select(p => (IFeature)new Feature(Polygon(p.Geometry), Attributes(p))), shp);
            File.WriteAllText(Path.Combine(folder, "DLTB.prj"), prj);
            using var zip = new MemoryStream();
            using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
                foreach (var file in Directory.GetFiles(folder))
                    archive.CreateEntryFromFile(file, Path.GetFileName(file));
            return zip.ToArray();
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    /// <summary>
    /// A zipped FileGDB folder DLTB.gdb, written by GDAL's ogr2ogr (OpenFileGDB driver) from the same features as
    /// <see cref="GeoJson"/>, the way an ArcGIS user would hand one over. The test scripts install gdal-bin.
    /// </summary>
    public static byte[] ZippedFileGdb(params (string Bsm, string Dlbm, decimal TbdlmjM2, JsonObject Geometry)[] parcels)
    {
        var folder = Directory.CreateTempSubdirectory("ledger-test-gdb-").FullName;
        try
        {
            var source = Path.Combine(folder, "dltb.geojson");
            File.WriteAllBytes(source, GeoJson(parcels));
            var gdb = Path.Combine(folder, "DLTB.gdb");
            var start = new System.Diagnostics.ProcessStartInfo("ogr2ogr") { RedirectStandardError = true };
            foreach (var a in new[] { "-f", "OpenFileGDB", "-a_srs", "EPSG:4490", "-nln", "DLTB", gdb, source }) start.ArgumentList.Add(a);
            using (var ogr = System.Diagnostics.Process.Start(start)!)
            {
                var error = ogr.StandardError.ReadToEnd();
                ogr.WaitForExit();
                if (ogr.ExitCode != 0) throw new InvalidOperationException($"ogr2ogr could not write the FileGDB fixture: {error}");
            }
            using var zip = new MemoryStream();
            using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
                foreach (var file in Directory.GetFiles(gdb))
                    archive.CreateEntryFromFile(file, "DLTB.gdb/" + Path.GetFileName(file));
            return zip.ToArray();
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    /// <summary>A minimal GeoPackage (the tables the standard requires to find features) with one table DLTB in EPSG:<paramref name="srid"/>.</summary>
    public static byte[] GeoPackage(int srid, params (string Bsm, string Dlbm, decimal TbdlmjM2, JsonObject Geometry)[] parcels)
    {
        var path = Path.Combine(Path.GetTempPath(), $"ledger-test-{Guid.NewGuid():N}.gpkg");
        try
        {
            using (var conn = new SqliteConnection($"Data Source={path};Pooling=False"))
            {
                conn.Open();
                using var cmd = conn.CreateCommand();
                cmd.CommandText = $"""
                    create table gpkg_spatial_ref_sys (srs_name text, srs_id integer primary key, organization text, organization_coordsys_id integer, definition text, description text);
                    insert into gpkg_spatial_ref_sys values ('{srid}', {srid}, 'EPSG', {srid}, '{(srid == 4490 ? "GEOGCS[\"China Geodetic Coordinate System 2000\"]" : "GEOGCS[\"WGS 84\"]")}', null);
                    create table gpkg_contents (table_name text primary key, data_type text, identifier text, description text, last_change text, min_x real, min_y real, max_x real, max_y real, srs_id integer);
                    insert into gpkg_contents (table_name, data_type, srs_id) values ('DLTB', 'features', {srid});
                    create table gpkg_geometry_columns (table_name text, column_name text, geometry_type_name text, srs_id integer, z integer, m integer);
                    insert into gpkg_geometry_columns values ('DLTB', 'geom', 'POLYGON', {srid}, 0, 0);
                    create table DLTB (fid integer primary key, geom blob, BSM text, DLBM text, TBDLMJ real, ZLDWDM text, ZLDJ integer);
                    """;
                cmd.ExecuteNonQuery();
                var writer = new GeoPackageGeoWriter();
                foreach (var p in parcels)
                {
                    using var insert = conn.CreateCommand();
                    insert.CommandText = "insert into DLTB (geom, BSM, DLBM, TBDLMJ, ZLDWDM, ZLDJ) values ($g, $b, $d, $t, $z, 4)";
                    var polygon = Polygon(p.Geometry);
                    polygon.SRID = srid;
                    insert.Parameters.AddWithValue("$g", writer.Write(polygon));
                    insert.Parameters.AddWithValue("$b", p.Bsm);
                    insert.Parameters.AddWithValue("$d", p.Dlbm);
                    insert.Parameters.AddWithValue("$t", (double)p.TbdlmjM2);
                    insert.Parameters.AddWithValue("$z", Zldwdm);
                    insert.ExecuteNonQuery();
                }
            }
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
