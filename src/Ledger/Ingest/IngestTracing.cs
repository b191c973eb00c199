using System.Diagnostics;

namespace Ledger.Ingest;

/// <summary>
/// The span around one ingest transaction, on the ActivitySource "Ledger". Npgsql's own source
/// ("Npgsql") puts each SQL statement under it, and ASP.NET Core's request span is its parent.
/// With no listener, <see cref="Start"/> returns null and costs nothing.
/// </summary>
public static class IngestTracing
{
    public const string SourceName = "Ledger";
    public static readonly ActivitySource Source = new(SourceName);

    public static Activity? Start(int events)
    {
        var activity = Source.StartActivity("ledger.ingest");
        activity?.SetTag("ledger.events", events);
        return activity;
    }

    public static IngestOutcome Finish(Activity? activity, IngestOutcome outcome)
    {
        if (activity is null) return outcome;
        activity.SetTag("ledger.outcome", OutcomeOf(outcome));
        activity.SetTag("ledger.appended", outcome.Results.Count(r => r.Status == "appended"));
        if (outcome.Rejection is { } r) activity.SetTag("ledger.status", r.Status);
        return outcome;
    }

    /// <summary><c>appended</c> when the batch stored at least one new event, <c>duplicate</c> when all were known, <c>rejected</c>.</summary>
    public static string OutcomeOf(IngestOutcome outcome) =>
        outcome.Rejection is not null ? "rejected" : outcome.Results.Any(r => r.Status == "appended") ? "appended" : "duplicate";
}
