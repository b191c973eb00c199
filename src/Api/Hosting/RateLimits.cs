using System.Globalization;
using System.Threading.RateLimiting;
using Ledger.Access;
using Ledger.Api.Http;
using Microsoft.AspNetCore.RateLimiting;

namespace Ledger.Api.Hosting;

/// <summary>
/// A token bucket per API client: <c>LEDGER_RATE_LIMIT</c> requests per second (default 50) with a
/// burst of twice that, shared by the key's API calls and its workbench pages. Beyond it: 429
/// with <c>Retry-After</c>. Unauthenticated requests are answered 401 before they reach the limiter.
/// </summary>
public static class RateLimits
{
    public static void AddLedgerRateLimits(this IServiceCollection services, IConfiguration config)
    {
        var perSecond = Ledger.Storage.OperatorSettings.RateLimit.Int(n => config[n]);
        services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                http.Items[typeof(ApiClient)] is ApiClient client
                    ? RateLimitPartition.GetTokenBucketLimiter(client.Name, _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = perSecond * 2,
                        TokensPerPeriod = perSecond,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    })
                    : RateLimitPartition.GetNoLimiter("anonymous"));
            o.OnRejected = async (context, ct) =>
            {
                var http = context.HttpContext;
                http.RequestServices.GetRequiredService<LedgerMetrics>().RateLimited("key");
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)) : 1;
                http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                var detail = $"client '{(http.Items[typeof(ApiClient)] as ApiClient)?.Name}' may make {perSecond} requests per second; retry after {retryAfter} s";
                // Workbench pages count too (their session is resolved before the limiter); they get a page, not JSON.
                await (http.Request.Path.StartsWithSegments("/ui")
                    ? new Ledger.Api.Workbench.Ui(http).Error(429, detail)
                    : Problems.Of(http, 429, "Too many requests", detail)).ExecuteAsync(http);
            };
        });
    }
}
