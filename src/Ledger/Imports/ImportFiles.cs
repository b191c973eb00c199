using System.Diagnostics;
using System.IO.Compression;

namespace Ledger.Imports;

/// <summary>
/// Opens an uploaded layer file by what it is, not by what it is called: GeoJSON (a JSON
/// object), a zip holding one Shapefile (or one FileGDB folder, read through GDAL's ogr2ogr
/// when installed), or a GeoPackage (SQLite). A zip is unpacked into a private work folder with
/// its real sizes counted as it goes, so a zip bomb stops at the limit instead of filling the disk.
/// </summary>
public static class ImportFiles
{
    public const long MaxUnpackedBytes = 2L * 1024 * 1024 * 1024;
    public const int MaxZipEntries = 10_000;

    /// <summary>Opens <paramref name="file"/> (named <paramref name="name"/> by the uploader) using <paramref name="work"/> as scratch space.</summary>
    /// <param name="scratch">Counts what unpacking writes (the node's budget, <see cref="ScratchSpace"/>).</param>
    public static IFeatureSource Open(string file, string name, string work, ScratchSpace.Lease? scratch = null, CancellationToken ct = default)
    {
        Span<byte> head = stackalloc byte[16];
        int read;
        using (var s = File.OpenRead(file)) read = s.Read(head);
        var magic = head[..read];
        if (magic.StartsWith("SQLite format 3\0"u8)) return new GeoPackageSource(file, ct);
        if (magic.StartsWith("PK\u0003\u0004"u8)) return OpenZip(file, work, scratch);
        var firstText = magic.TrimStart(" \t\r\n"u8);
        if (firstText.StartsWith("\uFEFF"u8)) firstText = firstText[3..];
        if (firstText.Length > 0 && firstText[0] == (byte)'{') return new GeoJsonSource(file);
        throw new ImportFileException($"{name} is not a GeoPackage, a zip holding a Shapefile or FileGDB, or GeoJSON (judged by its content, not its name)");
    }

    private static IFeatureSource OpenZip(string file, string work, ScratchSpace.Lease? scratch)
    {
        var folder = Path.Combine(work, "unzipped");
        Unzip(file, folder, MaxUnpackedBytes, scratch);
        var shapefiles = Directory.GetFiles(folder, "*.shp", SearchOption.AllDirectories);
        var gdbs = Directory.GetDirectories(folder, "*.gdb", SearchOption.AllDirectories);
        return (shapefiles.Length, gdbs.Length) switch
        {
            (1, 0) => new ShapefileSource(shapefiles[0]),
            (0, 1) => FileGdb(gdbs[0], work),
            (0, 0) => throw new ImportFileException("is a zip without a Shapefile (.shp) or a FileGDB folder (.gdb)"),
            _ => throw new ImportFileException($"is a zip with {shapefiles.Length} Shapefiles and {gdbs.Length} FileGDB folders; import one layer per file"),
        };
    }

    /// <summary>Unpacks with every entry's real size counted (headers can lie) and names kept inside the folder.</summary>
    public static void Unzip(string file, string folder, long maxBytes = MaxUnpackedBytes, ScratchSpace.Lease? scratch = null)
    {
        Directory.CreateDirectory(folder);
        var root = Path.GetFullPath(folder) + Path.DirectorySeparatorChar;
        try
        {
            using var zip = ZipFile.OpenRead(file);
            if (zip.Entries.Count > MaxZipEntries)
                throw new ImportFileException($"is a zip of {zip.Entries.Count:N0} entries; at most {MaxZipEntries:N0} are unpacked");
            long total = 0;
            var buffer = new byte[81920];
            foreach (var entry in zip.Entries)
            {
                var target = Path.GetFullPath(Path.Combine(folder, entry.FullName));
                if (!target.StartsWith(root, StringComparison.Ordinal))
                    throw new ImportFileException($"is a zip with an entry outside its folder ({entry.FullName})");
                var folderEntry = entry.FullName.EndsWith('/');
                FileStream? created = null;
                try
                {
                    Directory.CreateDirectory(folderEntry ? target : Path.GetDirectoryName(target)!);
                    if (!folderEntry) created = File.Create(target);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new ImportFileException($"is a zip whose entries collide at {Ingest.BatchParser.Clip(entry.FullName, 80)} " +
                                                  "(one name used for a folder and a file)");
                }
                if (created is null) continue;
                using var input = entry.Open();
                using var output = created;
                int n;
                while ((n = input.Read(buffer)) > 0)
                {
                    total += n;
                    if (total > maxBytes)
                        throw new ImportFileException($"unpacks to more than {maxBytes / (1024 * 1024):N0} MiB; refused (a zip bomb, or a layer to split)");
                    scratch?.Grow(n);
                    output.Write(buffer, 0, n);
                }
            }
        }
        catch (InvalidDataException e)
        {
            throw new ImportFileException($"is not a readable zip: {e.Message}");
        }
    }

    /// <summary>A FileGDB folder's first layer, converted (and reprojected to EPSG:4490) by ogr2ogr into GeoJSON.</summary>
    private static IFeatureSource FileGdb(string gdb, string work)
    {
        var ogr = new[] { "/usr/bin/ogr2ogr", "/usr/local/bin/ogr2ogr" }.FirstOrDefault(File.Exists)
                  ?? throw new ImportFileException("is a FileGDB, which needs GDAL's ogr2ogr (Debian package gdal-bin) on the server; it is not installed");
        var output = Path.Combine(work, "filegdb.geojson");
        // A cleared environment and the job's folder: ogr2ogr parses the uploader's file (decision 48).
        var start = Storage.ProcessRunner.Isolated(ogr, work,
            ["-f", "GeoJSON", "-t_srs", "EPSG:4490", "-lco", "RFC7946=NO", "-lco", "COORDINATE_PRECISION=9", output, gdb],
            // Longitude first, whatever axis order the EPSG definition of 4490 says.
            new Dictionary<string, string> { ["OSR_DEFAULT_AXIS_MAPPING_STRATEGY"] = "TRADITIONAL_GIS_ORDER" });
        using var p = Process.Start(start) ?? throw new ImportFileException("could not start ogr2ogr");
        var error = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromMinutes(30))) { p.Kill(true); throw new ImportFileException("took ogr2ogr more than 30 minutes to convert"); }
        if (p.ExitCode != 0 || !File.Exists(output))
            throw new ImportFileException($"is a FileGDB ogr2ogr could not read: {error.Result.Trim()}");
        return new GeoJsonSource(output);
    }
}
