using System.Security.Cryptography;
using Ledger.Access;
using Ledger.Api.Access;
using Ledger.Storage;
using NodaTime;
using Npgsql;

namespace Ledger.Api.Workbench;

/// <summary>
/// Browser sessions of the workbench: a random token in an HttpOnly, SameSite=Strict cookie;
/// the server keeps only the token's hash and the API key's hash, and resolves the key's client
/// on every request (so revocation, role and scope apply exactly as for the API). Sessions live
/// in the database (<see cref="SessionTable"/>), so any node behind a load balancer serves a
/// signed-in auditor and a restart signs nobody out; they still end by idle time, by age, by
/// signing out, and with the key.
/// </summary>
/// <remarks>
/// Over HTTPS (directly, or through a trusted proxy's X-Forwarded-Proto) the cookie is
/// <c>__Host-ledger_session</c>: the browser then insists on Secure, Path=/ and no Domain, so
/// neither plain HTTP nor a sibling subdomain can plant or overwrite it. Plain HTTP (local use)
/// keeps <c>ledger_session</c>. Each scheme accepts only its own name.
/// </remarks>
public sealed class WorkbenchSessions(ApiKeyDirectory keys, IClock clock, NpgsqlDataSource db)
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

    /// <summary>
    /// Use is written back at most this often per session: a page's dozen requests cost one write, and
    /// the idle timeout is an hour, so it ends at most a minute early.
    /// </summary>
    private static readonly Duration UseGranularity = Duration.FromMinutes(1);

    private static readonly string Table = $"{LedgerStore.Schema}.{SessionTable.Name}";
    private static readonly object ResolvedKey = new();

    private sealed record Entry(string KeyHash, Instant SignedIn, Instant LastUsed)
    {
        public bool Expired(Instant now) => now >= LastUsed + IdleTimeout || now >= SignedIn + AbsoluteLifetime;
    }

    public static string CookieName(HttpContext http) => http.Request.IsHttps ? SecureCookie : Cookie;

    /// <summary>
    /// Signs in with an API key. Whatever session the browser already had ends first: a sign-in
    /// starts over, and a session fixed in the browser beforehand is never carried on. Null when
    /// the key is unknown, revoked or the bootstrap admin's; a client <paramref name="allowed"/>
    /// refuses is returned without a session being opened.
    /// </summary>
    public async Task<ApiClient?> OpenAsync(HttpContext http, string secret, Func<ApiClient, bool> allowed, CancellationToken ct)
    {
        var hadSession = await ForgetAsync(http, ct);
        var keyHash = ApiKey.HashOf(secret);
        var client = secret.Length > 200 ? null : await keys.FindByHashAsync(keyHash, ct);
        if (client is null || !allowed(client))
        {
            if (hadSession) http.Response.Cookies.Delete(CookieName(http), Options(http));
            return client;
        }
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var now = clock.GetCurrentInstant();
        await ExecuteAsync($"""
            delete from {Table} where last_used <= @idle or signed_in <= @aged;
            insert into {Table} (id, key_hash, signed_in, last_used) values (@id, @key, @now, @now);
            """, ct, ("idle", (now - IdleTimeout).ToDateTimeUtc()), ("aged", (now - AbsoluteLifetime).ToDateTimeUtc()),
            ("id", Hash(token)), ("key", keyHash), ("now", now.ToDateTimeUtc()));
        http.Response.Cookies.Append(CookieName(http), token, Options(http));
        return client;
    }

    /// <summary>The signed-in client of the request's session cookie, or null. Looked up once per request.</summary>
    public async Task<ApiClient?> ResolveAsync(HttpContext http, CancellationToken ct)
    {
        if (http.Items.TryGetValue(ResolvedKey, out var resolved)) return (ApiClient?)resolved;
        var client = await LookUpAsync(http, ct);
        http.Items[ResolvedKey] = client;
        return client;
    }

    private async Task<ApiClient?> LookUpAsync(HttpContext http, CancellationToken ct)
    {
        if (!http.Request.Cookies.TryGetValue(CookieName(http), out var token) || token.Length is 0 or > 100) return null;
        var id = Hash(token);
        var now = clock.GetCurrentInstant();
        var entry = await FindAsync(id, ct);
        if (entry is null) return null;
        if (entry.Expired(now))
        {
            await ExecuteAsync($"delete from {Table} where id = @id", ct, ("id", id));
            return null;
        }
        var client = await keys.FindByHashAsync(entry.KeyHash, ct);
        if (client is null)
        {
            await ExecuteAsync($"delete from {Table} where id = @id", ct, ("id", id));
            return null;
        }
        if (now - entry.LastUsed >= UseGranularity)
            await ExecuteAsync($"update {Table} set last_used = @now where id = @id", ct, ("now", now.ToDateTimeUtc()), ("id", id));
        return client;
    }

    public async Task CloseAsync(HttpContext http, CancellationToken ct)
    {
        await ForgetAsync(http, ct);
        http.Items.Remove(ResolvedKey);
        http.Response.Cookies.Delete(CookieName(http), Options(http));
    }

    /// <summary>Ends, server-side, every session the request carries a cookie for (either name).</summary>
    private async Task<bool> ForgetAsync(HttpContext http, CancellationToken ct)
    {
        var ids = new[] { Cookie, SecureCookie }
            .Select(name => http.Request.Cookies.TryGetValue(name, out var token) && token.Length is > 0 and <= 100 ? Hash(token) : null)
            .OfType<string>().ToArray();
        if (ids.Length == 0) return false;
        return await ExecuteAsync($"delete from {Table} where id = any(@ids)", ct, ("ids", ids)) > 0;
    }

    private async Task<Entry?> FindAsync(string id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"select key_hash, signed_in, last_used from {Table} where id = @id");
        cmd.Parameters.AddWithValue("id", id);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return new Entry(r.GetString(0), Instant.FromDateTimeUtc(r.GetDateTime(1)), Instant.FromDateTimeUtc(r.GetDateTime(2)));
    }

    private async Task<int> ExecuteAsync(string sql, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var cmd = db.CreateCommand(sql);
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    private static CookieOptions Options(HttpContext http) =>
        new() { HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = http.Request.IsHttps, Path = "/", IsEssential = true };

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));
}
