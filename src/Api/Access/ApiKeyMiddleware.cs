using Ledger.Access;
using Ledger.Api.Http;

namespace Ledger.Api.Access;

/// <summary>
/// Every <c>/api/v1</c> call must carry a valid key: in <c>X-Api-Key</c>, or as the password of
/// HTTP Basic (<see cref="BasicCredentials"/>), or, for reads, a workbench session cookie; the client
/// it names travels with the request. Both key forms are one key: same client, scope and rate limit.
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next)
{
    public const string Header = "X-Api-Key";
    /// <summary>Issued keys are 46 characters; anything much longer is not a key and is never looked up.</summary>
    public const int MaxKeyLength = 200;

    public async Task InvokeAsync(HttpContext http, ApiKeyDirectory keys, Workbench.WorkbenchSessions sessions, AddressLimiter addresses)
    {
        if (!http.Request.Path.StartsWithSegments("/api/v1"))
        {
            await next(http);
            return;
        }
        var headerKey = http.Request.Headers[Header].ToString();
        var basic = BasicCredentials.Read(http.Request.Headers.Authorization);
        if (basic.Problem is { } unreadable)
        {
            await Unauthorized(http, unreadable);
            return;
        }
        if (headerKey.Length > 0 && basic.Key is { } other && other != headerKey)
        {
            await Problems.Of(http, 400, "Two different keys",
                $"the {Header} header and the Basic password name different keys; send one key, in one of them").ExecuteAsync(http);
            return;
        }
        var secret = headerKey.Length > 0 ? headerKey : basic.Key ?? "";
        // The workbench links to reports and exports directly: a signed-in browser may read
        // (GET/HEAD only) with its session, under the same role and scope as its key.
        var method = http.Request.Method;
        if (string.IsNullOrEmpty(secret) && basic.OtherScheme is null && (HttpMethods.IsGet(method) || HttpMethods.IsHead(method))
            && await sessions.ResolveAsync(http, http.RequestAborted) is { } viaSession)
        {
            http.Items[typeof(ApiClient)] = viaSession;
            await next(http);
            return;
        }
        ApiClient? client = null;
        if (secret.Length is 0 or > MaxKeyLength || !keys.TryFindCached(secret, out client))
        {
            // Not known on this node: limited per address before it may cost a database read.
            if (addresses.Refuse(http) is { } tooMany)
            {
                await tooMany.ExecuteAsync(http);
                return;
            }
        }
        if (string.IsNullOrEmpty(secret))
        {
            await Unauthorized(http, basic.OtherScheme is { } scheme
                ? $"the Authorization scheme '{scheme}' is not accepted: send your API key in the {Header} header, or as the password of HTTP Basic (any user name)"
                : $"send your API key in the {Header} header, or as the password of HTTP Basic (any user name)");
            return;
        }
        client ??= secret.Length > MaxKeyLength ? null : await keys.FindAsync(secret, http.RequestAborted);
        if (client is null)
        {
            await Unauthorized(http, "the API key is unknown or revoked");
            return;
        }
        http.Items[typeof(ApiClient)] = client;
        await next(http);
    }

    /// <summary>
    /// A 401 with the Basic challenge, so QGIS and GDAL ask their user for the key instead of failing
    /// silently; a browser gets one it does not act on (<see cref="BasicCredentials.ChallengeFor"/>):
    /// a password box is not the way in for people, the workbench's sign-in page is.
    /// </summary>
    private static Task Unauthorized(HttpContext http, string detail)
    {
        http.Response.Headers.WWWAuthenticate = BasicCredentials.ChallengeFor(http.Request);
        return Problems.Of(http, 401, "Unauthorized", detail).ExecuteAsync(http);
    }
}

public static class HttpContextClientExtensions
{
    public static ApiClient Client(this HttpContext http) =>
        http.Items[typeof(ApiClient)] as ApiClient ?? throw new InvalidOperationException("No API client on this request.");

    /// <summary>A 403 problem unless the caller has <paramref name="role"/>.</summary>
    public static IResult? Require(this HttpContext http, Role role)
    {
        var client = http.Client();
        return client.Has(role) ? null
            : Problems.Forbidden(http, $"client '{client.Name}' has role {ApiClient.RoleName(client.Role)}; this needs {ApiClient.RoleName(role)}");
    }
}
