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
        if (exception is not ShardUnavailableException down)
        {
            // A database that stopped answering mid-request (any path that did not name it): still 503, not a 500.
            if (!Topology.Unreachable(exception)) return false;
            http.Response.Headers.RetryAfter = "30";
            await Problems.Of(http, 503, "A database of the ledger is unavailable", "a database the request needed did not answer; try again later (an event retried with its eventId is never stored twice)")
                .ExecuteAsync(http);
            return true;
        }
        if (http.Request.Path.StartsWithSegments("/ui"))
        {
            // A workbench page answers as a page, in the reader's language, with the same facts as the problem.
            var ui = new Workbench.Ui(http);
            var listed = down.Shard.Provinces.Count > 0;
            var provinces = string.Join(", ", down.Shard.Provinces);
            await ui.Error(503, ui.T($"数据库 {down.Shard.Name}（{(listed ? $"省份 {provinces}" : "分库文件未列出的省份")}）没有响应；缺少它的数字会少算这些省份，因此不予显示。",
                $"Database {down.Shard.Name} ({(listed ? $"provinces {provinces}" : "the provinces no shard lists")}) did not answer; a figure without it would be short by those provinces, so none is shown.")).ExecuteAsync(http);
            return true;
        }
        await down.Problem(http).ExecuteAsync(http);
        return true;
    }
}
