using Ledger.Access;
using Ledger.Api.Http;

namespace Ledger.Api.Access;

/// <summary>
/// Every <c>/api/v1</c> call must carry a valid <c>X-Api-Key</c> (or, for reads, a workbench session cookie);
/// the client it names travels with the request.
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
        var secret = http.Request.Headers[Header].ToString();
        // The workbench links to reports and exports directly: a signed-in browser may read
        // (GET/HEAD only) with its session, under the same role and scope as its key.
        var method = http.Request.Method;
        if (string.IsNullOrEmpty(secret) && (HttpMethods.IsGet(method) || HttpMethods.IsHead(method))
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
            await Problems.Of(http, 401, "Unauthorized", $"send your API key in the {Header} header").ExecuteAsync(http);
            return;
        }
        client ??= secret.Length > MaxKeyLength ? null : await keys.FindAsync(secret, http.RequestAborted);
        if (client is null)
        {
            await Problems.Of(http, 401, "Unauthorized", "the API key is unknown or revoked").ExecuteAsync(http);
            return;
        }
        http.Items[typeof(ApiClient)] = client;
        await next(http);
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
