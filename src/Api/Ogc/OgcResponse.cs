using System.Text;
using System.Text.Json;
using Ledger.Api.Http;
using Microsoft.AspNetCore.Http.Extensions;

namespace Ledger.Api.Ogc;

/// <summary>
/// A JSON answer that HEAD gets too: the same status and headers, Content-Length included, and no
/// body (GDAL's <c>/vsicurl/</c> and proxies ask HEAD first). Built whole, so the length is known.
/// </summary>
public sealed class OgcResponse(byte[] body, string contentType, string? contentCrs = null) : IResult
{
    public const string Json = "application/json";
    public const string GeoJson = "application/geo+json";

    public static OgcResponse Of(object body, string contentType = Json, string? contentCrs = null) =>
        new(JsonSerializer.SerializeToUtf8Bytes(body, LedgerJson.Options), contentType, contentCrs);

    public static OgcResponse Raw(string json, string contentType, string? contentCrs) => new(Encoding.UTF8.GetBytes(json), contentType, contentCrs);

    public async Task ExecuteAsync(HttpContext http)
    {
        http.Response.StatusCode = 200;
        http.Response.ContentType = contentType;
        http.Response.ContentLength = body.Length;
        if (contentCrs is not null) http.Response.Headers["Content-Crs"] = OgcCrs.Header(contentCrs);
        if (!HttpMethods.IsHead(http.Request.Method)) await http.Response.Body.WriteAsync(body, http.RequestAborted);
    }
}

/// <summary>Absolute links (GDAL follows a <c>next</c> href verbatim), built from the request's own scheme and host.</summary>
public static class OgcLinks
{
    public static string Root(HttpContext http, string code) =>
        $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/api/v1/regions/{code}/ogc";

    public static string Self(HttpContext http) => http.Request.GetEncodedUrl();

    public static object Link(string href, string rel, string type, string? title = null) => title is null
        ? new { href, rel, type }
        : new { href, rel, type, title };

    /// <summary><paramref name="path"/> with the view parameters of this request (datetime, knownAt) carried on, as given.</summary>
    public static string WithView(HttpContext http, string path)
    {
        var view = http.Request.Query.Where(p => p.Key is "datetime" or "knownAt")
            .Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value[0] ?? "")}").ToList();
        return view.Count == 0 ? path : $"{path}?{string.Join('&', view)}";
    }

    /// <summary>The same request with <paramref name="set"/> replacing (or adding) those parameters, in the order the client gave the rest.</summary>
    public static string With(HttpContext http, params (string Name, string Value)[] set)
    {
        var names = set.Select(s => s.Name).ToHashSet();
        var query = http.Request.Query.Where(p => !names.Contains(p.Key)).Select(p => (p.Key, p.Value[0] ?? "")).Concat(set)
            .Select(p => $"{Uri.EscapeDataString(p.Item1)}={Uri.EscapeDataString(p.Item2)}");
        return $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}{http.Request.Path.ToUriComponent()}?{string.Join('&', query)}";
    }
}
