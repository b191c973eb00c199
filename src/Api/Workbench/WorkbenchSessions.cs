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

    /// <summary>
    /// Long enough to read a long report or sheet without a click; short enough that a browser
    /// left unattended (lunch, overnight) is signed out within the hour.
    /// </summary>
    public static readonly Duration IdleTimeout = Duration.FromHours(1);

    /// <summary>
    /// A working day with margin, however busy: a session, or a copied cookie, cannot be kept
    /// alive by use beyond it. Signing in again costs one paste of the key.
    /// </summary>
    public static readonly Duration AbsoluteLifetime = Duration.FromHours(10);

    private sealed record Entry(string KeyHash, Instant SignedIn, Instant LastUsed)
    {
        public bool Expired(Instant now) => now >= LastUsed + IdleTimeout || now >= SignedIn + AbsoluteLifetime;
    }

    private readonly ConcurrentDictionary<string, Entry> _sessions = new();

    public static string CookieName(HttpContext http) => http.Request.IsHttps ? SecureCookie : Cookie;

    /// <summary>
    /// Signs in with an API key. Whatever session the browser already had ends first: a sign-in
    /// starts over, and a session fixed in the browser beforehand is never carried on. Null when
    /// the key is unknown, revoked or the bootstrap admin's; a client <paramref name="allowed"/>
    /// refuses is returned without a session being opened.
    /// </summary>
    public async Task<ApiClient?> OpenAsync(HttpContext http, string secret, Func<ApiClient, bool> allowed, CancellationToken ct)
    {
        var hadSession = Forget(http);
        var keyHash = ApiKey.HashOf(secret);
        var client = secret.Length > 200 ? null : await keys.FindByHashAsync(keyHash, ct);
        if (client is null || !allowed(client))
        {
            if (hadSession) http.Response.Cookies.Delete(CookieName(http), Options(http));
            return client;
        }
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        Prune();
        var now = clock.GetCurrentInstant();
        _sessions[Hash(token)] = new Entry(keyHash, now, now);
        http.Response.Cookies.Append(CookieName(http), token, Options(http));
        return client;
    }

    public async Task<ApiClient?> ResolveAsync(HttpContext http, CancellationToken ct)
    {
        if (!http.Request.Cookies.TryGetValue(CookieName(http), out var token) || token.Length is 0 or > 100) return null;
        var id = Hash(token);
        var now = clock.GetCurrentInstant();
        if (!_sessions.TryGetValue(id, out var entry) || entry.Expired(now))
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
        _sessions[id] = entry with { LastUsed = now };
        return client;
    }

    public void Close(HttpContext http)
    {
        Forget(http);
        http.Response.Cookies.Delete(CookieName(http), Options(http));
    }

    /// <summary>Ends, server-side, every session the request carries a cookie for (either name).</summary>
    private bool Forget(HttpContext http)
    {
        var any = false;
        foreach (var name in new[] { Cookie, SecureCookie })
            if (http.Request.Cookies.TryGetValue(name, out var token) && token.Length is > 0 and <= 100)
                any |= _sessions.TryRemove(Hash(token), out _);
        return any;
    }

    private static CookieOptions Options(HttpContext http) =>
        new() { HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = http.Request.IsHttps, Path = "/", IsEssential = true };

    private void Prune()
    {
        var now = clock.GetCurrentInstant();
        foreach (var (id, entry) in _sessions)
            if (entry.Expired(now)) _sessions.TryRemove(id, out _);
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));
}
