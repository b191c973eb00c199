using Ledger.Api.Http;

namespace Ledger.Api.Hosting;

/// <summary>
/// A database the answer needs did not answer. A figure summed without it would be silently
/// short by its provinces, so the answer is 503 naming the database and its provinces instead;
/// answers that need only other databases go on.
/// </summary>
public sealed class ShardUnavailableException(LedgerShard shard, Exception inner)
    : Exception($"database {shard.Name} did not answer: {inner.Message}", inner)
{
    public LedgerShard Shard => shard;

    public IResult Problem(HttpContext http)
    {
        http.Response.Headers.RetryAfter = "30";
        var provinces = shard.Provinces.Count > 0 ? $"provinces {string.Join(", ", shard.Provinces)}" : "the provinces no shard lists";
        return Problems.Of(http, 503, "A database of the ledger is unavailable",
            $"database {shard.Name} ({provinces}) did not answer; a figure without it would be short by those provinces, so none is given");
    }
}

/// <summary>Any endpoint that needed a database that did not answer: 503 naming it (instead of a 500).</summary>
public sealed class ShardUnavailableHandler : Microsoft.AspNetCore.Diagnostics.IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (exception is not ShardUnavailableException down) return false;
        await down.Problem(http).ExecuteAsync(http);
        return true;
    }
}
