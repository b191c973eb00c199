using Ledger.Api.Access;
using Ledger.Chain;
using NodaTime;

namespace Ledger.Api.Workbench;

/// <summary>
/// The header's chain-verification indicator. Verifying a large ledger takes seconds, so pages
/// never wait for it: they show the last result and, when it is older than
/// <see cref="Fresh"/>, start one new verification in the background.
/// </summary>
public sealed class VerifyStatus(Investigations.VerifyRunner verifier, IClock clock, ILogger<VerifyStatus> log)
{
    public static readonly Duration Fresh = Duration.FromMinutes(5);
    private readonly object _gate = new();
    private (VerifyResult Result, Instant At)? _last;
    private Task? _running;

    public (VerifyResult Result, Instant At)? Last
    {
        get
        {
            Refresh();
            return _last;
        }
    }

    /// <summary>Runs a verification now and waits for it (the verify page).</summary>
    public async Task<(VerifyResult Result, Instant At)> RunAsync(CancellationToken ct)
    {
        var result = await verifier.RunAsync(ct);
        var at = clock.GetCurrentInstant();
        lock (_gate) _last = (result, at);
        return (result, at);
    }

    public string Indicator(Ui ui)
    {
        var last = Last;
        var (css, text) = last switch
        {
            null => ("muted", ui.T("链校验中…", "Verifying chain…")),
            // The count is the nation's: only national keys see it.
            { Result.Ok: true } l when ui.Http.Client().IsNational => ("ok", ui.T($"链完整 ✓ {l.Result.EventsChecked:N0}", $"Chain intact ✓ {l.Result.EventsChecked:N0}")),
            { Result.Ok: true } => ("ok", ui.T("链完整 ✓", "Chain intact ✓")),
            { Result.ChainIntact: true } => ("bad", ui.T("派生表不一致 ✗", "Derived tables differ ✗")),
            _ => ("bad", ui.T("链校验失败 ✗", "Chain broken ✗")),
        };
        return $"<a href=\"/ui/verify\" class=\"badge {css}-on-dark\" aria-label=\"{Ui.E(ui.T("链校验状态", "Chain verification status"))}: {Ui.E(text)}\">{Ui.E(text)}</a>";
    }

    /// <summary>The background verification a page view started, if one is running (tests reset the database only after it).</summary>
    public Task Idle()
    {
        lock (_gate) return _running ?? Task.CompletedTask;
    }

    private void Refresh()
    {
        lock (_gate)
        {
            if (_running is { IsCompleted: false }) return;
            if (_last is { } l && clock.GetCurrentInstant() - l.At < Fresh) return;
            _running = Task.Run(async () =>
            {
                try
                {
                    await RunAsync(CancellationToken.None);
                }
                catch (Exception e)
                {
                    log.LogWarning(e, "Background chain verification failed");
                }
            });
        }
    }
}
