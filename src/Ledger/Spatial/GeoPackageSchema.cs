using Ledger.Storage;

namespace Ledger.Spatial;

/// <summary>
/// The GeoPackage 1.3 core tables and the schema extension, as the standard's Annex C and the
/// <c>gpkg_schema</c> extension define them (column names, types, defaults and constraints verbatim:
/// GDAL's validator compares them), and the spatial reference systems a file must hold.
/// </summary>
internal static class GeoPackageSchema
{
    /// <summary>"GPKG" as the SQLite header's application id, and 1.3.0 as its user version (requirements 2 and 3).</summary>
    public const int ApplicationId = 0x47504B47;
    public const int UserVersion = 10300;
    public const int Srid = Postgis.Srid;

    public const string Tables = """
        CREATE TABLE gpkg_spatial_ref_sys (
          srs_name TEXT NOT NULL,
          srs_id INTEGER NOT NULL PRIMARY KEY,
          organization TEXT NOT NULL,
          organization_coordsys_id INTEGER NOT NULL,
          definition  TEXT NOT NULL,
          description TEXT
        );
        CREATE TABLE gpkg_contents (
          table_name TEXT NOT NULL PRIMARY KEY,
          data_type TEXT NOT NULL,
          identifier TEXT UNIQUE,
          description TEXT DEFAULT '',
          last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
          min_x DOUBLE,
          min_y DOUBLE,
          max_x DOUBLE,
          max_y DOUBLE,
          srs_id INTEGER,
          CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id)
        );
        CREATE TABLE gpkg_geometry_columns (
          table_name TEXT NOT NULL,
          column_name TEXT NOT NULL,
          geometry_type_name TEXT NOT NULL,
          srs_id INTEGER NOT NULL,
          z TINYINT NOT NULL,
          m TINYINT NOT NULL,
          CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
          CONSTRAINT uk_gc_table_name UNIQUE (table_name),
          CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
          CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
        );
        CREATE TABLE gpkg_extensions (
          table_name TEXT,
          column_name TEXT,
          extension_name TEXT NOT NULL,
          definition TEXT NOT NULL,
          scope TEXT NOT NULL,
          CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name)
        );
        CREATE TABLE gpkg_data_columns (
          table_name TEXT NOT NULL,
          column_name TEXT NOT NULL,
          name TEXT,
          title TEXT,
          description TEXT,
          mime_type TEXT,
          constraint_name TEXT,
          CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name),
          CONSTRAINT gdc_tn UNIQUE (table_name, name)
        );
        CREATE TABLE gpkg_data_column_constraints (
          constraint_name TEXT NOT NULL,
          constraint_type TEXT NOT NULL,
          value TEXT,
          min NUMERIC,
          min_is_inclusive BOOLEAN,
          max NUMERIC,
          max_is_inclusive BOOLEAN,
          description TEXT,
          CONSTRAINT gdcc_ntv UNIQUE (constraint_name, constraint_type, value)
        );
        INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) VALUES
          ('gpkg_data_columns', NULL, 'gpkg_schema', 'http://www.geopackage.org/spec/#extension_schema', 'read-write'),
          ('gpkg_data_column_constraints', NULL, 'gpkg_schema', 'http://www.geopackage.org/spec/#extension_schema', 'read-write');
        """;

    /// <summary>
    /// The three records every GeoPackage holds (requirement 11) and CGCS2000. The definitions are
    /// EPSG's WKT 1, as GDAL writes them; a GeoPackage's coordinates are x = longitude, y = latitude
    /// whatever the axis order a definition states.
    /// </summary>
    public static readonly (string Name, int Id, string Organization, int Code, string Definition, string Description)[] ReferenceSystems =
    [
        ("Undefined cartesian SRS", -1, "NONE", -1, "undefined", "undefined cartesian coordinate reference system"),
        ("Undefined geographic SRS", 0, "NONE", 0, "undefined", "undefined geographic coordinate reference system"),
        ("WGS 84 geodetic", 4326, "EPSG", 4326,
            """GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]""",
            "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid"),
        ("China Geodetic Coordinate System 2000", Srid, "EPSG", Srid,
            """GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101,AUTHORITY["EPSG","1024"]],AUTHORITY["EPSG","1043"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4490"]]""",
            "CGCS2000 (2000国家大地坐标系) longitude/latitude in decimal degrees: the ledger's own coordinates"),
    ];

    /// <summary>The R-tree of a layer's <c>geom</c> column (extension F.3): <c>rtree_&lt;table&gt;_&lt;column&gt;</c>.</summary>
    public static string RTree(string layer) => $"rtree_{layer}_geom";

    /// <summary>
    /// The extension's six triggers for a layer, as GeoPackage 1.2 and 1.3 give them (<c>&lt;t&gt;</c> the table,
    /// <c>&lt;c&gt;</c> <c>geom</c>, <c>&lt;i&gt;</c> <c>fid</c>): they keep the index true under inserts, updates and deletes.
    /// </summary>
    public static IEnumerable<string> RTreeTriggers(string layer)
    {
        var (t, r) = ($"\"{layer}\"", $"\"{RTree(layer)}\"");
        const string Insert = "INSERT OR REPLACE INTO {r} VALUES (NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom));";
        var insert = Insert.Replace("{r}", r);
        var name = (string suffix) => $"\"{RTree(layer)}_{suffix}\"";
        return
        [
            $"CREATE TRIGGER {name("insert")} AFTER INSERT ON {t} WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom)) BEGIN {insert} END",
            $"CREATE TRIGGER {name("update1")} AFTER UPDATE OF geom ON {t} WHEN OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom)) BEGIN {insert} END",
            $"CREATE TRIGGER {name("update2")} AFTER UPDATE OF geom ON {t} WHEN OLD.fid = NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom)) BEGIN DELETE FROM {r} WHERE id = OLD.fid; END",
            $"CREATE TRIGGER {name("update3")} AFTER UPDATE OF geom ON {t} WHEN OLD.fid != NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom)) BEGIN DELETE FROM {r} WHERE id = OLD.fid; {insert} END",
            $"CREATE TRIGGER {name("update4")} AFTER UPDATE ON {t} WHEN OLD.fid != NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom)) BEGIN DELETE FROM {r} WHERE id IN (OLD.fid, NEW.fid); END",
            $"CREATE TRIGGER {name("delete")} AFTER DELETE ON {t} WHEN old.geom NOT NULL BEGIN DELETE FROM {r} WHERE id = OLD.fid; END",
        ];
    }
}
