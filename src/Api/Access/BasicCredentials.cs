using System.Text;

namespace Ledger.Api.Access;

/// <summary>
/// HTTP Basic (RFC 7617) with the API key as the password and the user name ignored: QGIS's OGC
/// API provider, GDAL and ArcGIS can send Basic but not a custom header (contract 1.7). The key
/// then goes through exactly what an <c>X-Api-Key</c> goes through: same lookup, scope and limits.
/// </summary>
public static class BasicCredentials
{
    public const string Realm = "ledger";

    /// <summary>Sent with a 401 on <c>/api/v1</c>: without a challenge, desktop GIS clients never ask their user for a password.</summary>
    public const string Challenge = $"Basic realm=\"{Realm}\", charset=\"UTF-8\"";

    /// <summary>
    /// Sent instead to browsers: a Basic challenge would open the browser's own password dialog, and
    /// credentials typed there are replayed by the browser until it closes, outliving the workbench's
    /// sign-out. A 401 still names a scheme (RFC 9110), one no browser prompts for.
    /// </summary>
    public const string BrowserChallenge = $"ApiKey realm=\"{Realm}\", header=\"X-Api-Key\"";

    /// <summary>
    /// A browser marks every request with <c>Sec-Fetch-Mode</c> and asks for HTML when it loads a
    /// page; QGIS and GDAL do neither.
    /// </summary>
    public static string ChallengeFor(HttpRequest request) =>
        request.Headers.ContainsKey("Sec-Fetch-Mode") || request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase)
            ? BrowserChallenge
            : Challenge;

    /// <summary>An issued key is 46 characters; with any sensible user name its base64 stays far below this, so a longer value is not decoded.</summary>
    public const int MaxEncodedLength = 1024;

    /// <summary>What an <c>Authorization</c> header says: nothing (absent or another scheme), a key, or why it is unreadable.</summary>
    public readonly record struct Reading(string? Key, string? Problem, string? OtherScheme)
    {
        public bool IsBasic => Key is not null || Problem is not null;
    }

    public static Reading Read(Microsoft.Extensions.Primitives.StringValues headers)
    {
        if (headers.Count == 0) return default;
        if (headers.Count > 1) return Malformed("the request carries more than one Authorization header; send one");
        var value = headers[0] ?? "";
        var space = value.IndexOf(' ');
        var scheme = space < 0 ? value : value[..space];
        if (!scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
            return new Reading(null, null, scheme.Length is > 0 and <= 20 && scheme.All(char.IsAsciiLetterOrDigit) ? scheme : "(unreadable)");
        var token = space < 0 ? "" : value[(space + 1)..].Trim(' ');
        if (token.Length == 0) return Malformed("Basic credentials are missing after 'Basic '");
        if (token.Length > MaxEncodedLength) return Malformed($"Basic credentials are longer than {MaxEncodedLength} characters; an API key is 46");
        var bytes = new byte[token.Length];
        if (!Convert.TryFromBase64String(token, bytes, out var length)) return Malformed("Basic credentials are not base64 (RFC 7617: base64 of 'user:key')");
        string decoded;
        try
        {
            decoded = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, length);
        }
        catch (DecoderFallbackException)
        {
            return Malformed("Basic credentials are not UTF-8 text");
        }
        var colon = decoded.IndexOf(':');
        if (colon < 0) return Malformed("Basic credentials hold no ':' between a user name and the key; send base64 of 'user:key' (any user name)");
        if (decoded.Any(char.IsControl)) return Malformed("Basic credentials contain control characters");
        var key = decoded[(colon + 1)..];
        return key.Length == 0 ? Malformed("the Basic password is empty; the API key is the password (any user name)") : new Reading(key, null, null);
    }

    private static Reading Malformed(string why) => new(null, why, null);
}
