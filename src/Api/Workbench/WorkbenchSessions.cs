using System.Collections.Concurrent;
using System.Security.Cryptography;
using Ledger.Access;
using Ledger.Api.Access;
using NodaTime;

namespace Ledger.Api.Workbench;

/// <summary>
/// Browser sessions of the workbench: a random token in an HttpOnly, SameSite=Strict cookie;
/// the server keeps only the token's hash and the API key's hash, and resolves the key's client
/// on every request (so revocation, role and scope apply exactly as for the API). Sessions live
/// in memory: a restart signs everyone out, which is the safe direction.
/// </summary>
/// <remarks>
/// Over HTTPS (directly, or through a trusted proxy's X-Forwarded-Proto) the cookie is
/// <c>__Host-ledger_session</c>: the browser then insists on Secure, Path=/ and no Domain, so
/// neither plain HTTP nor a sibling subdomain can plant or overwrite it. Plain HTTP (local use)
/// keeps <c>ledger_session</c>. Each scheme accepts only its own name.
/// </remarks>
public sealed class WorkbenchSessions(ApiKeyDirectory keys, IClock clock)
{
    public const string Cookie = "ledger_session";
    public const string SecureCookie = "__Host-ledger_session";
    public static readonly Duration IdleTimeout = Duration.FromHours(8);

    private sealed record Entry(string KeyHash, Instant Expires);

    private readonly ConcurrentDictionary<string, Entry> _sessions = new();

    public static string CookieName(HttpContext http) => http.Request.IsHttps ? SecureCookie : Cookie;

    /// <summary>
    /// Signs in with an API key. Null when the key is unknown, revoked or the bootstrap admin's;
    /// a client <paramref name="allowed"/> refuses is returned without a session being opened.
    /// </summary>
    public async Task<ApiClient?> OpenAsync(HttpContext http, string secret, Func<ApiClient, bool> allowed, CancellationToken ct)
    {
        var keyHash = ApiKey.HashOf(secret);
        var client = secret.Length > 200 ? null : await keys.FindByHashAsync(keyHash, ct);
        if (client is null || !allowed(client)) return client;
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        Prune();
        _sessions[Hash(token)] = new Entry(keyHash, clock.GetCurrentInstant() + IdleTimeout);
        http.Response.Cookies.Append(CookieName(http), token, Options(http));
        return client;
    }

    public async Task<ApiClient?> ResolveAsync(HttpContext http, CancellationToken ct)
    {
        if (!http.Request.Cookies.TryGetValue(CookieName(http), out var token) || token.Length is 0 or > 100) return null;
        var id = Hash(token);
        var now = clock.GetCurrentInstant();
        if (!_sessions.TryGetValue(id, out var entry) || entry.Expires <= now)
        {
            _sessions.TryRemove(id, out _);
            return null;
        }
        var client = await keys.FindByHashAsync(entry.KeyHash, ct);
        if (client is null)
        {
            _sessions.TryRemove(id, out _);
            return null;
        }
        _sessions[id] = entry with { Expires = now + IdleTimeout };
        return client;
    }

    public void Close(HttpContext http)
    {
        if (http.Request.Cookies.TryGetValue(CookieName(http), out var token)) _sessions.TryRemove(Hash(token), out _);
        http.Response.Cookies.Delete(CookieName(http), Options(http));
    }

    private static CookieOptions Options(HttpContext http) =>
        new() { HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = http.Request.IsHttps, Path = "/", IsEssential = true };

    private void Prune()
    {
        var now = clock.GetCurrentInstant();
        foreach (var (id, entry) in _sessions)
            if (entry.Expires <= now) _sessions.TryRemove(id, out _);
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));
}
