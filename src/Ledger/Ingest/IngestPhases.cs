using System.Diagnostics;

namespace Ledger.Ingest;

/// <summary>
/// Where one batch's time went, phase by phase (read the body, parse, each step of the
/// transaction, the commit). <see cref="Mark"/> closes the phase that ran since the previous
/// mark; a phase marked twice (a retried transaction) adds up. The service reports these as a
/// histogram per phase, so an operator can see under load which step grew; two timestamps per
/// phase cost nothing next to a batch.
/// </summary>
/// <param name="marked">Called after each mark, on the appending thread: tests hold a batch at a chosen step with it.</param>
public sealed class IngestPhases(Action<string>? marked = null)
{
    private readonly List<(string Phase, long Ticks)> _phases = [];
    private long _last = Stopwatch.GetTimestamp();

    public void Mark(string phase)
    {
        var now = Stopwatch.GetTimestamp();
        _phases.Add((phase, now - _last));
        _last = now;
        marked?.Invoke(phase);
    }

    /// <summary>Each phase once, in the order first marked, with its seconds.</summary>
    public IEnumerable<(string Phase, double Seconds)> Totals() =>
        _phases.GroupBy(p => p.Phase).Select(g => (g.Key, g.Sum(p => p.Ticks) / (double)Stopwatch.Frequency));
}

/// <summary>
/// Where the phases of appends made away from the HTTP endpoints are recorded (imports): the service's
/// <c>ledger_ingest_phase_duration_seconds</c>, so an import's batches are profiled as posted ones are.
/// </summary>
public interface IIngestPhaseSink
{
    void Record(IngestPhases phases);
}
