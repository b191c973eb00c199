using Ledger.Access;
using Ledger.Api.Workbench;

namespace Ledger.Api.Access;

/// <summary>
/// Resolves the workbench session of a <c>/ui</c> request before the rate limiter runs, so pages
/// count against their key's limit exactly as API calls do (the limiter partitions by the client
/// in <c>Items</c>; resolved later, in the page filter, every page went unlimited). Sign-in and the
/// language switch need no session. Redirecting the signed-out stays with the page filter.
/// </summary>
public sealed class WorkbenchSessionMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext http, WorkbenchSessions sessions)
    {
        var path = http.Request.Path;
        if (path.StartsWithSegments("/ui") && !path.StartsWithSegments("/ui/sign-in") && !path.StartsWithSegments("/ui/lang")
            && await sessions.ResolveAsync(http, http.RequestAborted) is { } client)
            http.Items[typeof(ApiClient)] = client;
        await next(http);
    }
}
