using Ledger.Chain;
using Ledger.Storage;
using NodaTime;
using Npgsql;

namespace Ledger.Api.Hosting;

/// <summary>
/// Reads the chain head and the newest checkpoint for the gauges, so that a scrape never waits
/// for the database: every <c>LEDGER_METRICS_REFRESH_SECONDS</c> (default 15), and a second after
/// an ingest that appended (at most once a second however fast events arrive). Two index lookups.
/// </summary>
public sealed class LedgerGaugeReader(NpgsqlDataSource db, LedgerMetrics metrics, IConfiguration config, ILogger<LedgerGaugeReader> log)
    : BackgroundService
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var period = TimeSpan.FromSeconds(Ledger.Storage.OperatorSettings.MetricsRefreshSeconds.Int(n => config[n]));
        try
        {
            while (true)
            {
                await ReadAsync(ct);
                if (await metrics.ChainMovedAsync(period, ct)) await Task.Delay(Settle, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task ReadAsync(CancellationToken ct)
    {
        var s = LedgerStore.Schema;
        try
        {
            await using var cmd = db.CreateCommand($"""
                select (select coalesce(max(position), 0) from {s}.{ChainTables.Links}),
                       c.position, c.signed_at
                from (select 1) one
                left join (select position, signed_at from {s}.{ChainTables.Checkpoints} order by position desc limit 1) c on true
                """);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            await r.ReadAsync(ct);
            metrics.ChainRead(r.GetInt64(0), r.IsDBNull(1) ? null : r.GetInt64(1),
                r.IsDBNull(2) ? null : Instant.FromDateTimeOffset(r.GetFieldValue<DateTimeOffset>(2)));
        }
        catch (Exception e) when (Topology.Unreachable(e))
        {
            // The gauges keep their last values; the database's own health shows on /health.
            log.LogWarning(e, "Could not read the chain head for the metrics; will try again");
        }
    }
}
