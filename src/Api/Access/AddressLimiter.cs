using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Ledger.Api.Http;

namespace Ledger.Api.Access;

/// <summary>
/// A token bucket per client address for requests that are not yet authenticated: a missing key,
/// or a key this node has not resolved recently (which costs a database read). Known keys skip
/// it, so a province's busy system is held only by its own per-key limit. Default 20 per second
/// with a burst of 40 (<c>LEDGER_ADDRESS_RATE_LIMIT</c>); idle buckets are dropped, so random
/// addresses do not accumulate either.
/// </summary>
public sealed class AddressLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter;
    private readonly Hosting.LedgerMetrics _metrics;

    public AddressLimiter(IConfiguration config, Hosting.LedgerMetrics metrics)
    {
        _metrics = metrics;
        PerSecond = Ledger.Storage.OperatorSettings.AddressRateLimit.Int(n => config[n]);
        _limiter = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetTokenBucketLimiter(address,
            _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = PerSecond * 2,
                TokensPerPeriod = PerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }

    public int PerSecond { get; }

    /// <summary>Null when the request may go on; otherwise the 429 problem to answer with.</summary>
    public IResult? Refuse(HttpContext http)
    {
        var address = Key(http.Connection.RemoteIpAddress);
        using var lease = _limiter.AttemptAcquire(address);
        if (lease.IsAcquired) return null;
        _metrics.RateLimited("address");
        http.Response.Headers.RetryAfter = "1";
        return Problems.Of(http, 429, "Too many requests",
            string.Create(CultureInfo.InvariantCulture, $"at most {PerSecond} unauthenticated requests per second from one address; retry after 1 s"));
    }

    /// <summary>IPv6 clients usually hold a whole /64: one bucket per /64, or rotating addresses would each get a fresh bucket.</summary>
    private static string Key(IPAddress? address)
    {
        if (address is null) return "unknown";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    public void Dispose() => _limiter.Dispose();
}
