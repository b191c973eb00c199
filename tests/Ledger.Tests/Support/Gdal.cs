using System.Diagnostics;
using System.Text.Json;
using Shouldly;

namespace Ledger.Tests.Support;

/// <summary>
/// GDAL's own tools (Debian's gdal-bin, which the test scripts install: infra/scripts/common.sh
/// ensure_gdal) read what the ledger exports, as a desktop GIS would: if GDAL opens it without a
/// word on standard error, QGIS does too.
/// </summary>
public static class Gdal
{
    public sealed record Result(int ExitCode, string Out, string Error);

    public static async Task<Result> RunAsync(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start");
        var (output, error) = (process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return new Result(process.ExitCode, await output, await error);
    }

    /// <summary>The layers <c>ogrinfo</c> lists, in its order; it must exit 0 and say nothing on standard error (no warning either).</summary>
    public static async Task<IReadOnlyList<string>> LayersAsync(string path)
    {
        var info = await RunAsync("ogrinfo", "-ro", "-q", path);
        info.ExitCode.ShouldBe(0, info.Error);
        info.Error.ShouldBeEmpty();
        // "1: farmland (Multi Polygon)"
        return info.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l[(l.IndexOf(' ') + 1)..].Split(' ')[0]).ToList();
    }

    /// <summary>One layer of a file as GDAL reads it, converted by <c>ogr2ogr</c> to a GeoJSON FeatureCollection.</summary>
    public static async Task<JsonElement> LayerAsGeoJsonAsync(string path, string layer)
    {
        var converted = await RunAsync("ogr2ogr", "-f", "GeoJSON", "/vsistdout/", path, layer);
        converted.ExitCode.ShouldBe(0, converted.Error);
        converted.Error.ShouldBeEmpty();
        return JsonDocument.Parse(converted.Out).RootElement.Clone();
    }

    /// <summary>
    /// GDAL's GeoPackage validator (validate_gpkg.py, shipped with gdal-bin's python3-gdal), run by
    /// Debian's python, which has the osgeo module. Returns what it reports; empty means conformant.
    /// </summary>
    public static async Task<string> ValidateGeoPackageAsync(string path)
    {
        var result = await RunAsync("/usr/bin/python3", "-m", "osgeo_utils.samples.validate_gpkg", path);
        return (result.Out + result.Error).Trim() + (result.ExitCode == 0 ? "" : $" (exit {result.ExitCode})");
    }
}
