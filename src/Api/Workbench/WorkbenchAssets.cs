using System.Collections.Frozen;
using System.Security.Cryptography;

namespace Ledger.Api.Workbench;

/// <summary>
/// The few static files the workbench has (the map's MapLibre build and our map script), compiled
/// into the binary and served from memory under <c>/ui/assets/</c> with an ETag. No session is
/// needed: they are the same public code for everyone.
/// </summary>
public static class WorkbenchAssets
{
    private const string Prefix = "Ledger.Api.Workbench.Assets.";

    private sealed record Asset(byte[] Bytes, string ContentType, string ETag);

    private static readonly FrozenDictionary<string, Asset> Assets = Load();

    /// <summary>Names as URL paths: <c>maplibre/maplibre-gl.mjs</c>, <c>map.js</c>.</summary>
    public static IEnumerable<string> Names => Assets.Keys;

    private static FrozenDictionary<string, Asset> Load()
    {
        var assembly = typeof(WorkbenchAssets).Assembly;
        var files = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            // Resource names use dots for folders; our only folder is maplibre/.
            var name = resource[Prefix.Length..];
            var path = name.StartsWith("maplibre.", StringComparison.Ordinal) ? "maplibre/" + name["maplibre.".Length..] : name;
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            files[path] = new Asset(bytes, ContentType(path), $"\"{Convert.ToHexString(SHA256.HashData(bytes))[..16]}\"");
        }
        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string ContentType(string path) => Path.GetExtension(path) switch
    {
        ".mjs" or ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        _ => "text/plain; charset=utf-8",
    };

    public static IResult Serve(HttpContext http, string path)
    {
        if (!Assets.TryGetValue(path, out var asset)) return Results.NotFound();
        http.Response.Headers.ETag = asset.ETag;
        http.Response.Headers.CacheControl = "public, max-age=3600";
        if (http.Request.Headers.IfNoneMatch == asset.ETag) return Results.StatusCode(304);
        return Results.Bytes(asset.Bytes, asset.ContentType);
    }
}
