using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using NetTopologySuite.IO;

namespace Ledger.Imports;

/// <summary>
/// A GeoPackage (SQLite): its first features table, or the one named; geometries must be in an
/// SRS that is EPSG:4490. The file is the uploader's, so it is read as hostile: only a plain
/// table is read (a view can run any query for ever), schema code is not trusted, every
/// statement runs under a time budget (<see cref="SqliteBudget"/>), no value may exceed
/// <see cref="SqliteBudget.MaxValueBytes"/>, attribute values are clipped in SQL and a geometry's
/// size and counts are checked before anything is built from it.
/// </summary>
public sealed class GeoPackageSource : IFeatureSource
{
    public const int MaxAttributeChars = 1_000, MaxNameChars = 200;

    private readonly SqliteConnection _conn;
    private readonly SqliteBudget? _budget;
    private readonly string _table;
    private readonly string _geometryColumn;
    private readonly List<string> _columns = [];

    public GeoPackageSource(string path, CancellationToken ct = default, TimeSpan? step = null)
    {
        _conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        try
        {
            _conn.Open();
            _budget = new SqliteBudget(_conn, ct, step);
            Execute("pragma trusted_schema = off");
            // A truncated or damaged file often still opens (its schema is on the first page); the check reads every page.
            if (Scalar("pragma quick_check") is not "ok") throw new ImportFileException("is not a readable GeoPackage: the database file is damaged or truncated");
            using (var cmd = Command("""
                select g.table_name, g.column_name, s.organization, s.organization_coordsys_id, s.definition
                from gpkg_geometry_columns g join gpkg_contents c on c.table_name = g.table_name
                left join gpkg_spatial_ref_sys s on s.srs_id = g.srs_id
                where c.data_type = 'features' order by g.table_name limit 1
                """))
            using (var r = cmd.ExecuteReader())
            {
                if (!r.Read()) throw new ImportFileException("is a GeoPackage without a features table");
                (_table, _geometryColumn) = (Name(r, 0, "table"), Name(r, 1, "geometry column"));
                var organization = r.IsDBNull(2) ? "" : r.GetString(2);
                var code = r.IsDBNull(3) ? 0 : r.GetInt32(3);
                var definition = r.IsDBNull(4) ? "" : r.GetString(4);
                if (!(organization.Equals("EPSG", StringComparison.OrdinalIgnoreCase) && code == Storage.Postgis.Srid) && !Crs.IsCgcs2000Geographic(definition))
                    throw new ImportFileException($"holds table {Clip(_table)} in the CRS {Clip(organization)}:{code}; only CGCS2000 longitude/latitude (EPSG:4490) is imported. {Crs.Advice}");
            }
            RequirePlainTable();
            using (var columns = Command($"select name from pragma_table_info({Literal(_table)})"))
            using (var c = columns.ExecuteReader())
                while (c.Read()) _columns.Add(Name(c, 0, "column"));
            if (!_columns.Contains(_geometryColumn)) throw new ImportFileException($"names geometry column {Clip(_geometryColumn)}, which table {Clip(_table)} does not have");
            AttributeNames = _columns.Where(x => x != _geometryColumn).ToList();
            Count = Convert.ToInt32(Scalar($"select count(*) from {Identifier(_table)}"), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (SqliteException e)
        {
            _conn.Dispose();
            throw SqliteBudget.Explain(e, _budget);
        }
        catch
        {
            _conn.Dispose();
            throw;
        }
    }

    public IReadOnlyList<string> AttributeNames { get; }

    public int Count { get; }

    public IEnumerable<ImportFeature> Features()
    {
        var reader = new GeoPackageGeoReader();
        var attributes = AttributeNames.Select(a => $"case when typeof({Identifier(a)}) in ('text', 'blob') then substr({Identifier(a)}, 1, {MaxAttributeChars}) else {Identifier(a)} end");
        var g = Identifier(_geometryColumn);
        using var cmd = Command($"""
            select typeof({g}), length({g}), case when typeof({g}) = 'blob' and length({g}) <= {GeometryBlob.MaxBytes} then {g} end
            {string.Concat(attributes.Select(a => ", " + a))}
            from {Identifier(_table)} order by rowid
            """);
        SqliteDataReader r;
        try { r = cmd.ExecuteReader(); }
        catch (SqliteException e) { throw SqliteBudget.Explain(e, _budget); }
        using (r)
        {
            var n = 0;
            while (Next(r))
            {
                n++;
                var values = new Dictionary<string, object?>(StringComparer.Ordinal);
                for (var i = 0; i < AttributeNames.Count; i++) values[AttributeNames[i]] = r.IsDBNull(i + 3) ? null : r.GetValue(i + 3);
                var bytes = r.IsDBNull(1) ? 0 : r.GetInt64(1);
                var (json, problem) = r.GetString(0) switch
                {
                    "null" => (null, "has no geometry"),
                    "blob" when r.IsDBNull(2) => (null, $"has a geometry of {bytes:N0} bytes; at most {GeometryBlob.MaxBytes:N0} are read"),
                    "blob" => GeometryBlob.Read(reader, (byte[])r.GetValue(2)),
                    var type => ((JsonNode?)null, $"has a geometry stored as {type}, not as a GeoPackage geometry blob"),
                };
                yield return new ImportFeature(n, values, json, problem, bytes);
            }
        }
    }

    private bool Next(SqliteDataReader r)
    {
        _budget?.Restart();
        try { return r.Read(); }
        catch (SqliteException e) { throw SqliteBudget.Explain(e, _budget); }
    }

    /// <summary>A view (or a virtual table) runs the uploader's query, which may never end; only stored rows are read.</summary>
    private void RequirePlainTable()
    {
        using var cmd = Command("select type, sql from sqlite_master where name = @name");
        cmd.Parameters.AddWithValue("@name", _table);
        using var r = cmd.ExecuteReader();
        if (!r.Read()) throw new ImportFileException($"lists features table {Clip(_table)}, which the file does not have");
        if (r.GetString(0) != "table" || (!r.IsDBNull(1) && r.GetString(1).TrimStart().StartsWith("create virtual", StringComparison.OrdinalIgnoreCase)))
            throw new ImportFileException($"holds its features in {Clip(_table)}, which is a {(r.GetString(0) == "table" ? "virtual table" : r.GetString(0))}; " +
                                          "only a plain table is imported (export the layer to a table first, e.g. with ogr2ogr)");
    }

    private SqliteCommand Command(string sql)
    {
        _budget?.Restart();
        var cmd = _conn.CreateCommand();
        cmd.CommandText = sql;
        return cmd;
    }

    private object? Scalar(string sql)
    {
        using var cmd = Command(sql);
        return cmd.ExecuteScalar();
    }

    private void Execute(string sql)
    {
        using var cmd = Command(sql);
        cmd.ExecuteNonQuery();
    }

    private static string Name(SqliteDataReader r, int i, string what)
    {
        var name = r.IsDBNull(i) ? "" : r.GetValue(i) as string ?? "";
        if (name.Length is 0 or > MaxNameChars)
            throw new ImportFileException($"has a {what} name of {name.Length:N0} characters; names of 1 to {MaxNameChars} are imported");
        return name;
    }

    private static string Clip(string s) => Ingest.BatchParser.Clip(s, 80);

    private static string Literal(string s) => "'" + s.Replace("'", "''") + "'";

    private static string Identifier(string s) => "\"" + s.Replace("\"", "\"\"") + "\"";

    public void Dispose() => _conn.Dispose();
}
