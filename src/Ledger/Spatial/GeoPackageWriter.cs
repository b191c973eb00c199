using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using NodaTime;
using NodaTime.Text;

namespace Ledger.Spatial;

/// <summary>What a GeoPackage export says about itself: the region and the two times it was read at.</summary>
public sealed record GeoPackageInfo(string Region, LocalDate AsOf, Instant KnownAt, Instant Written);

/// <summary>
/// Writes map features into a new GeoPackage 1.3 file (OGC 12-128r18): one features table per layer,
/// <c>fid</c>, a <c>geom</c> MULTIPOLYGON in EPSG:4490 and the layer's columns
/// (<see cref="GeoPackageColumns"/>), registered in <c>gpkg_contents</c>, <c>gpkg_geometry_columns</c>
/// and, with Chinese aliases, <c>gpkg_data_columns</c>. Geometries are GeoPackageBinary: the "GP"
/// header with the SRS id and the envelope, then PostGIS's own WKB, so no coordinate is re-encoded.
/// Each layer has the R-tree spatial index extension (<c>gpkg_rtree_index</c>) over those envelopes.
/// </summary>
public sealed class GeoPackageWriter : IDisposable
{
    private readonly SqliteConnection _conn;
    private readonly SqliteTransaction _tx;
    private readonly Dictionary<string, (SqliteCommand Insert, SqliteCommand Index, IReadOnlyList<GeoPackageColumn> Columns)> _layers = [];
    private readonly Dictionary<string, BoundingBox> _extents = [];

    /// <summary>WKB bytes written so far: what an export's size cap counts.</summary>
    public long GeometryBytes { get; private set; }

    public int Features { get; private set; }

    public GeoPackageWriter(string path, IReadOnlyList<string> layers, GeoPackageInfo info)
    {
        _conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
        _conn.Open();
        // A file that is not finished is deleted, never served: it needs no rollback journal.
        Execute($"PRAGMA application_id = {GeoPackageSchema.ApplicationId}; PRAGMA user_version = {GeoPackageSchema.UserVersion}; " +
                "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA foreign_keys = ON;");
        _tx = _conn.BeginTransaction();
        Execute(GeoPackageSchema.Tables);
        foreach (var s in GeoPackageSchema.ReferenceSystems)
            Execute("INSERT INTO gpkg_spatial_ref_sys VALUES ($name, $id, $org, $code, $definition, $description)",
                ("$name", s.Name), ("$id", s.Id), ("$org", s.Organization), ("$code", s.Code), ("$definition", s.Definition), ("$description", s.Description));
        foreach (var (value, description) in GeoPackageColumns.OverlapKinds)
            Execute("INSERT INTO gpkg_data_column_constraints (constraint_name, constraint_type, value, description) VALUES ($name, 'enum', $value, $description)",
                ("$name", GeoPackageColumns.OverlapKind), ("$value", value), ("$description", description));
        var lastChange = InstantPattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm':'ss'.'fff'Z'").Format(info.Written);
        foreach (var layer in layers) AddLayer(layer, info, lastChange);
    }

    private void AddLayer(string layer, GeoPackageInfo info, string lastChange)
    {
        var columns = GeoPackageColumns.Of(layer);
        var (zh, en) = GeoPackageColumns.Title(layer);
        Execute($"CREATE TABLE \"{layer}\" (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom MULTIPOLYGON, " +
                string.Join(", ", columns.Select(c => $"\"{c.Name}\" {c.Type}")) + ")");
        var description = string.Create(CultureInfo.InvariantCulture,
            $"{zh} {en}: region {info.Region}, as of {LocalDatePattern.Iso.Format(info.AsOf)}, as known at {InstantPattern.ExtendedIso.Format(info.KnownAt)} (土地资源台账 land-resource ledger)");
        Execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, srs_id) VALUES ($t, 'features', $id, $d, $c, $srs)",
            ("$t", layer), ("$id", $"{zh} ({layer})"), ("$d", description), ("$c", lastChange), ("$srs", GeoPackageSchema.Srid));
        Execute("INSERT INTO gpkg_geometry_columns VALUES ($t, 'geom', 'MULTIPOLYGON', $srs, 0, 0)", ("$t", layer), ("$srs", GeoPackageSchema.Srid));
        // The R-tree spatial index (extension F.3): a GIS client reading a window of a large export reads only what meets it.
        Execute($"CREATE VIRTUAL TABLE \"{GeoPackageSchema.RTree(layer)}\" USING rtree(id, minx, maxx, miny, maxy)");
        Execute("INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) " +
                "VALUES ($t, 'geom', 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')", ("$t", layer));
        foreach (var c in columns)
            Execute("INSERT INTO gpkg_data_columns (table_name, column_name, name, title, description, constraint_name) VALUES ($t, $c, $n, $title, $d, $k)",
                ("$t", layer), ("$c", c.Name), ("$n", c.Alias), ("$title", c.Alias), ("$d", c.Description), ("$k", (object?)c.Constraint ?? DBNull.Value));

        var insert = _conn.CreateCommand();
        insert.Transaction = _tx;
        insert.CommandText = $"INSERT INTO \"{layer}\" (geom, {string.Join(", ", columns.Select(c => $"\"{c.Name}\""))}) VALUES ($geom, " +
                             string.Join(", ", columns.Select((_, i) => $"$p{i}")) + ")";
        insert.Parameters.Add("$geom", SqliteType.Blob);
        // Untyped: each value binds as what it is (text, integer, real), as the column's GeoPackage type says.
        for (var i = 0; i < columns.Count; i++) insert.Parameters.Add(new SqliteParameter($"$p{i}", null));
        var index = _conn.CreateCommand();
        index.Transaction = _tx;
        index.CommandText = $"INSERT INTO \"{GeoPackageSchema.RTree(layer)}\" VALUES (last_insert_rowid(), $minx, $maxx, $miny, $maxy)";
        foreach (var name in new[] { "$minx", "$maxx", "$miny", "$maxy" }) index.Parameters.Add(name, SqliteType.Real);
        _layers[layer] = (insert, index, columns);
    }

    /// <summary>Adds one feature to its layer's table. The layer must be one of those the file was created with.</summary>
    public void Add(MapFeature feature)
    {
        var (insert, index, columns) = _layers[feature.Layer];
        insert.Parameters["$geom"].Value = Blob(feature);
        for (var i = 0; i < columns.Count; i++)
            insert.Parameters[$"$p{i}"].Value = Value(feature.Properties, columns[i]);
        insert.ExecuteNonQuery();
        GeometryBytes += feature.Wkb.Length;
        Features++;
        if (feature.Envelope is not { } e) return; // an empty geometry has no place in the index (the triggers' rule too)
        _extents[feature.Layer] = _extents.TryGetValue(feature.Layer, out var x) ? BoundingBox.Union([x, e])! : e;
        // Indexed here rather than by the extension's triggers: they call ST_ functions a GIS client provides, SQLite alone does not.
        (index.Parameters["$minx"].Value, index.Parameters["$maxx"].Value, index.Parameters["$miny"].Value, index.Parameters["$maxy"].Value) =
            (e.West, e.East, e.South, e.North);
        index.ExecuteNonQuery();
    }

    /// <summary>Writes each layer's extent into <c>gpkg_contents</c> and commits. The file is complete once this returns.</summary>
    public void Complete()
    {
        foreach (var (layer, e) in _extents)
            Execute("UPDATE gpkg_contents SET min_x = $w, min_y = $s, max_x = $e, max_y = $n WHERE table_name = $t",
                ("$w", e.West), ("$s", e.South), ("$e", e.East), ("$n", e.North), ("$t", layer));
        // The triggers that keep each index true when a client edits the file, created once it holds every feature.
        foreach (var layer in _layers.Keys)
            foreach (var trigger in GeoPackageSchema.RTreeTriggers(layer)) Execute(trigger);
        _tx.Commit();
    }

    /// <summary>
    /// GeoPackageBinary (clause 2.1.3): "GP", version 0, flags (little-endian header; envelope [minx,
    /// maxx, miny, maxy], or none and the empty flag for an empty geometry), the SRS id, then the WKB.
    /// </summary>
    internal static byte[] Blob(MapFeature f)
    {
        var envelope = f.Envelope is null ? 0 : 32;
        var blob = new byte[8 + envelope + f.Wkb.Length];
        blob[0] = (byte)'G';
        blob[1] = (byte)'P';
        blob[2] = 0;
        blob[3] = (byte)(f.Envelope is null ? 0b0001_0001 : 0b0000_0011);
        BinaryPrimitives.WriteInt32LittleEndian(blob.AsSpan(4), GeoPackageSchema.Srid);
        if (f.Envelope is { } e)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(blob.AsSpan(8), e.West);
            BinaryPrimitives.WriteDoubleLittleEndian(blob.AsSpan(16), e.East);
            BinaryPrimitives.WriteDoubleLittleEndian(blob.AsSpan(24), e.South);
            BinaryPrimitives.WriteDoubleLittleEndian(blob.AsSpan(32), e.North);
        }
        f.Wkb.CopyTo(blob, 8 + envelope);
        return blob;
    }

    private static object Value(JsonElement properties, GeoPackageColumn column)
    {
        if (!properties.TryGetProperty(column.Name, out var v) || v.ValueKind == JsonValueKind.Null) return DBNull.Value;
        return column.Type switch
        {
            "INTEGER" => v.GetInt64(),
            "REAL" => v.GetDouble(),
            _ => v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText(),
        };
    }

    private void Execute(string sql, params (string Name, object Value)[] parameters)
    {
        using var cmd = _conn.CreateCommand();
        cmd.Transaction = _tx;
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
        cmd.ExecuteNonQuery();
    }

    public void Dispose()
    {
        foreach (var (insert, index, _) in _layers.Values)
        {
            insert.Dispose();
            index.Dispose();
        }
        _tx.Dispose();
        _conn.Dispose();
    }
}
