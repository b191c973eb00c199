using System.Diagnostics;
using System.Diagnostics.Metrics;
using Ledger.Api.Investigations;
using Ledger.Ingest;
using NodaTime;

namespace Ledger.Api.Hosting;

/// <summary>
/// The ledger's own instruments, on the meter "Ledger". The Prometheus exporter turns dots into
/// underscores, appends the unit (<c>_seconds</c>) and <c>_total</c> on counters:
/// <c>ledger.events.appended</c> is scraped as <c>ledger_events_appended_total</c>.
/// The meter comes from the host's <see cref="IMeterFactory"/>, so two hosts in one process (the
/// tests run many) each count their own requests and stop reporting when disposed.
/// </summary>
public sealed class LedgerMetrics : Ledger.Ingest.IIngestPhaseSink
{
    public const string MeterName = "Ledger";

    // Seconds: OpenTelemetry's default buckets are meant for milliseconds.
    private static readonly double[] RequestBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
    private static readonly double[] PhaseBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
    private static readonly double[] VerifyBuckets = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];

    private readonly Counter<long> _appended;
    private readonly Histogram<double> _ingest;
    private readonly Histogram<double> _ingestPhases;
    private readonly Counter<long> _rejections;
    private readonly Histogram<double> _sheets;
    private readonly Histogram<double> _audits;
    private readonly Histogram<double> _verify;
    private readonly Counter<long> _refusals;
    private readonly Counter<long> _witnessAnswers;
    private readonly SemaphoreSlim _chainMoved = new(0, 1);
    private long _chainHead = -1;
    private long _checkpointPosition = -1;
    private long _checkpointSignedAtTicks = long.MinValue;
    private int _verifyOk = -1;

    public LedgerMetrics(IMeterFactory meters, RollbackGuard rollback, IClock clock)
    {
        Meter = meters.Create(MeterName);
        _appended = Meter.CreateCounter<long>("ledger.events.appended", "{event}", "Events stored by POST /api/v1/events and /events/bulk (duplicates not counted)");
        _ingest = Histogram("ledger.ingest.duration", "Time to answer one POST /api/v1/events, by outcome (appended, duplicate, rejected) and status", RequestBuckets);
        _ingestPhases = Histogram("ledger.ingest.phase.duration",
            "Time one POST /api/v1/events spent in each phase (read_body, parse, ..., append_events, states_flows_index, chain_lock_head, commit): where a batch's time goes", PhaseBuckets);
        _rejections = Meter.CreateCounter<long>("ledger.ingest.rejections", "{batch}", "Batches refused by POST /api/v1/events, by HTTP status");
        _sheets = Histogram("ledger.balance_sheet.duration", "Time to build and render a balance sheet (kind: period or annual; format)", RequestBuckets);
        _audits = Histogram("ledger.audit.duration", "Time to issue a departure-audit report, by outcome (issued or refused)", RequestBuckets);
        _verify = Histogram("ledger.verify.duration", "Time to verify the hash chain and checkpoints, by result (ok true or false)", VerifyBuckets);
        _refusals = Meter.CreateCounter<long>("ledger.rate_limit.refusals", "{request}", "Requests answered 429, by limit: key (per API client) or address (unauthenticated, per address)");

        _witnessAnswers = Meter.CreateCounter<long>("ledger.witness.answers", "{answer}",
            "Witnesses' answers to checkpoint submissions, by witness, state (cosigned, fork, unreachable, unknown-log, refused) and whether a 409 resync preceded it");

        Meter.CreateObservableGauge("ledger.chain.head", () => Known(Interlocked.Read(ref _chainHead)), "{link}",
            "Position of the newest link of the tamper-evidence chain (the number of chained events)");
        Meter.CreateObservableGauge("ledger.checkpoint.position", () => Known(Interlocked.Read(ref _checkpointPosition)), "{link}",
            "Chain position attested by the newest signed checkpoint");
        Meter.CreateObservableGauge("ledger.checkpoint.age", () => CheckpointAge(clock), "s", "Seconds since the newest checkpoint was signed");
        Meter.CreateObservableGauge("ledger.verify.ok", () => Known(_verifyOk), null, "1 when this node's last chain verification found no problem, 0 when it found one");
        Meter.CreateObservableGauge("ledger.rollback.blocked", () => rollback.Current.Blocks ? 1 : 0, null,
            "1 while the chain is behind or forked from the trusted checkpoint (new events refused, not ready)");
    }

    public Meter Meter { get; }

    public void IngestAnswered(IResult? result, IngestOutcome? outcome, long startedTimestamp)
    {
        var status = result is IStatusCodeHttpResult { StatusCode: { } code } ? code : result is null ? 500 : 200;
        var kind = status >= 400 || outcome is null ? "rejected" : IngestTracing.OutcomeOf(outcome);
        _ingest.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds, new("outcome", kind), new("status", status));
        if (status >= 400) _rejections.Add(1, new KeyValuePair<string, object?>("status", status));
        if (outcome is null || outcome.Rejection is not null) return;
        EventsAppended(outcome.Results.Count(r => r.Status == "appended"));
    }

    /// <summary>Counts stored events and wakes the chain-head gauge's reader.</summary>
    public void EventsAppended(int appended)
    {
        if (appended == 0) return;
        _appended.Add(appended);
        if (_chainMoved.CurrentCount == 0)
        {
            try { _chainMoved.Release(); } catch (SemaphoreFullException) { }
        }
    }

    public void IngestPhases(IngestPhases phases)
    {
        foreach (var (phase, seconds) in phases.Totals())
            _ingestPhases.Record(seconds, new KeyValuePair<string, object?>("phase", phase));
    }

    void Ledger.Ingest.IIngestPhaseSink.Record(IngestPhases phases) => IngestPhases(phases);

    public void SheetBuilt(string kind, string format, long startedTimestamp) =>
        _sheets.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds, new("kind", kind), new("format", format));

    public void AuditIssued(bool issued, long startedTimestamp) =>
        _audits.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds, new KeyValuePair<string, object?>("outcome", issued ? "issued" : "refused"));

    public void Verified(bool ok, TimeSpan took)
    {
        _verify.Record(took.TotalSeconds, new KeyValuePair<string, object?>("ok", ok ? "true" : "false"));
        _verifyOk = ok ? 1 : 0;
    }

    public void WitnessAnswered(Ledger.Chain.WitnessOutcome outcome) =>
        _witnessAnswers.Add(1, new KeyValuePair<string, object?>("witness", outcome.Witness), new KeyValuePair<string, object?>("state", outcome.State),
            new KeyValuePair<string, object?>("resynced", outcome.Resynced));

    /// <param name="limit"><c>key</c> or <c>address</c>.</param>
    public void RateLimited(string limit) => _refusals.Add(1, new KeyValuePair<string, object?>("limit", limit));

    /// <summary>What <see cref="LedgerGaugeReader"/> last read from the database.</summary>
    public void ChainRead(long head, long? checkpointPosition, Instant? checkpointSignedAt)
    {
        Interlocked.Exchange(ref _chainHead, head);
        Interlocked.Exchange(ref _checkpointPosition, checkpointPosition ?? -1);
        Interlocked.Exchange(ref _checkpointSignedAtTicks, checkpointSignedAt?.ToUnixTimeTicks() ?? long.MinValue);
    }

    /// <summary>Completes when an ingest has appended events since the last call, or after <paramref name="timeout"/>.</summary>
    public Task<bool> ChainMovedAsync(TimeSpan timeout, CancellationToken ct) => _chainMoved.WaitAsync(timeout, ct);

    private Histogram<double> Histogram(string name, string description, double[] buckets) =>
        Meter.CreateHistogram(name, "s", description, tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = buckets });

    private IEnumerable<Measurement<double>> CheckpointAge(IClock clock)
    {
        var ticks = Interlocked.Read(ref _checkpointSignedAtTicks);
        if (ticks == long.MinValue) return [];
        return [new Measurement<double>((clock.GetCurrentInstant() - Instant.FromUnixTimeTicks(ticks)).TotalSeconds)];
    }

    private static IEnumerable<Measurement<long>> Known(long value) => value < 0 ? [] : [new Measurement<long>(value)];
}
