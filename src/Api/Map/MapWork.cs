using System.Threading.RateLimiting;
using Ledger.Api.Access;
using Ledger.Api.Http;
using Ledger.Spatial;

namespace Ledger.Api.Map;

/// <summary>
/// Runs the expensive part of a map, overlaps or tile request: at most <c>LEDGER_MAP_CONCURRENCY</c>
/// (default 2) at once per API key, so one key at the rate limit cannot hold every core and
/// connection; up to <see cref="Waiting"/> more wait their turn, beyond that 429. A read PostgreSQL
/// stopped at <see cref="MapLimits.Timeout"/> answers 503 with <c>Retry-After</c> (decision 50).
/// </summary>
public sealed class MapWork : IDisposable
{
    public const int Waiting = 16;
    private readonly PartitionedRateLimiter<string> _perKey;
    private readonly int _concurrency;

    public MapWork(MapLimits limits, IConfiguration config)
    {
        Limits = limits;
        _concurrency = Ledger.Storage.OperatorSettings.MapConcurrency.Int(k => config[k]);
        _perKey = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetConcurrencyLimiter(key, _ => new ConcurrencyLimiterOptions
        {
            PermitLimit = _concurrency, QueueLimit = Waiting, QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        }));
    }

    public MapLimits Limits { get; }

    /// <summary>Work that reads the database at length, in the key's turn.</summary>
    public async Task<IResult> RunAsync(HttpContext http, Func<Task<IResult>> work, CancellationToken ct)
    {
        using var lease = await _perKey.AcquireAsync(http.Client().Name, 1, ct);
        if (!lease.IsAcquired)
        {
            http.Response.Headers.RetryAfter = "1";
            return Problems.Of(http, 429, "Too many map reads at once",
                $"client '{http.Client().Name}' may run {_concurrency} map, overlap or tile reads at once (LEDGER_MAP_CONCURRENCY) " +
                $"with {Waiting} more waiting; retry after 1 s");
        }
        return await TimedAsync(http, work);
    }

    /// <summary>Work that is cheap unless the database is slow (the tile cache's key): bounded by the timeout, not queued.</summary>
    public async Task<IResult> TimedAsync(HttpContext http, Func<Task<IResult>> work)
    {
        try
        {
            return await work();
        }
        catch (MapTimeoutException)
        {
            return MapRefusals.TimedOut(http, Limits);
        }
    }

    public void Dispose() => _perKey.Dispose();
}
