using Ledger.Chain;
using Ledger.Integrity;
using NodaTime;
using Npgsql;

namespace Ledger.Api.Hosting;

/// <summary>
/// Checks the derived tables against the events at start and every
/// <c>LEDGER_DERIVED_CHECK_MINUTES</c> (default 10; 0 = at start only; negative = never, for test
/// hosts that reset the database under it and run the check themselves), and keeps the last result
/// for <c>/health/ready</c>: readiness is polled, and the check reads every event, so the
/// probe reports the last check rather than running one.
/// </summary>
public sealed class DerivedCheckService(NpgsqlDataSource db, IConfiguration config, IClock clock, ILogger<DerivedCheckService> log)
    : BackgroundService
{
    public sealed record Outcome(Instant At, IReadOnlyList<VerifyProblem> Problems);

    private readonly SemaphoreSlim _one = new(1, 1);
    private volatile Outcome? _last;

    /// <summary>The last finished check, or null before the first has finished.</summary>
    public Outcome? Last => _last;

    /// <summary>Runs a check now; one at a time, so the result kept is always the newest snapshot's.</summary>
    public async Task<Outcome> RunAsync(CancellationToken ct)
    {
        await _one.WaitAsync(ct);
        try
        {
            IReadOnlyList<VerifyProblem> problems = [.. await DerivedCheck.RunAsync(db, null, ct), .. await Ledger.Investigations.StoredCodeCheck.RunAsync(db, ct)];
            foreach (var p in problems) log.LogWarning("Derived table differs from the events: {Problem}", p.What);
            return _last = new Outcome(clock.GetCurrentInstant(), problems);
        }
        finally
        {
            _one.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        await Task.Yield(); // never hold up the host's start
        var minutes = int.TryParse(config["LEDGER_DERIVED_CHECK_MINUTES"], out var m) ? m : 10;
        if (minutes < 0) return;
        while (true)
        {
            try
            {
                await RunAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Never let a failed check stop the host: the database being away is readiness's
                // own finding, and anything else is logged and tried again next round.
                log.LogWarning(e, "Could not check the derived tables; will try again");
            }
            if (minutes == 0 && _last is not null) return;
            try
            {
                await Task.Delay(TimeSpan.FromMinutes(Math.Max(minutes, 1)), ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
