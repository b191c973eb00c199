using System.Globalization;
using System.Text;
using Ledger.Access;
using Ledger.Api.Access;
using Ledger.Api.Hosting;
using Ledger.Api.Http;
using Ledger.Api.Investigations;
using Ledger.Audit.Departure;
using Ledger.Chain;
using Ledger.Events;
using Ledger.Ingest;
using Ledger.Transparency;
using Wolverine.Http;

namespace Ledger.Api.Audits;

/// <summary>
/// Contract 1.6: a report's evidence bundle (<c>ledger-evidence/v1</c>, docs/transparency-log.md),
/// which <c>ledger-verify evidence</c> checks offline: the stored report, the canonical text of every
/// event it cites, and an inclusion proof of each against one checkpoint covering the report.
/// </summary>
public static class EvidenceEndpoint
{
    /// <summary>
    /// The wait suggested while no served checkpoint covers the report. The ingest signs one per
    /// batch, so only a log being built from the chain keeps it behind (and, once witnesses land,
    /// cosignatures on their way, which come within LEDGER_WITNESS_SECONDS, default 10).
    /// </summary>
    public const int RetryAfterSeconds = 10;

    [WolverineGet("/api/v1/audits/{id}/evidence")]
    public static async Task<IResult> Evidence(HttpContext http, string id, DepartureAudits audits, Topology topology, LogKeys keys,
        WitnessConfig witnesses, CancellationToken ct)
    {
        if (http.Require(Role.Auditor) is { } denied) return denied;
        if (!Guid.TryParse(id, out var reportId)) return Problems.Validation(http, [new ItemError("reportId", "must be a report id (UUID)")]);
        var (stored, missing) = await AuditEndpoints.FindVisibleAsync(http, audits, reportId, ct);
        if (missing is not null) return missing;
        if (!keys.Enabled) return LogEndpoints.Off(http);

        // A report's events and high-water mark are its tenure's database's (its province's).
        var database = topology.Usable(await topology.LocateStreamAsync(EventCatalog.StreamId("tenure", stored!.TenureId), ct));
        var report = Encoding.UTF8.GetBytes(stored.Content);
        var citations = EvidenceBundle.Citations(report);
        var events = await CanonicalTexts.ReadAsync(database.Db, citations.Select(c => c.Sequence).Distinct().ToList(), ct);
        var bySequence = events.ToDictionary(e => e.Sequence);
        foreach (var (sequence, eventId) in citations.Where(c => !bySequence.TryGetValue(c.Sequence, out var e) || e.EventId != c.EventId))
            return Disagree(http, $"report {reportId} cites event {eventId} at sequence {sequence}, which database {database.Name} does not hold");

        var log = new LogReader(database.Db, witnesses.Policy);
        var checkpoint = await log.ServedCheckpointAsync(ct);
        var needed = Math.Max(stored.HighWater, events.Select(e => e.Position).DefaultIfEmpty(0).Max());
        if (checkpoint is null || checkpoint.Size < needed) return Pending(http, reportId, database.Name, needed, checkpoint?.Size);

        var inclusions = await log.InclusionsAsync(events.Select(e => e.Entry.Index).ToList(), checkpoint.Size, ct);
        var bundled = new List<EvidenceEvent>();
        foreach (var (e, inclusion) in events.Zip(inclusions))
        {
            if (!inclusion.Entry.AsSpan().SequenceEqual(e.Entry.ToBytes()))
                return Disagree(http, $"the log's entry {inclusion.Index} is not the entry of event {e.EventId}'s canonical text");
            bundled.Add(new EvidenceEvent(e.Sequence, e.EventId, e.Position, e.Text, inclusion.Entry, inclusion.Proof));
        }
        var zip = EvidenceBundle.Write(new EvidenceContents(reportId, report, database.Name, keys.Origin(database.Name), checkpoint.Note,
            LogPolicy.Text(topology, keys, witnesses), bundled));
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Checkpoint-Size"] = checkpoint.Size.ToString(CultureInfo.InvariantCulture);
        return Results.File(zip, "application/zip", $"evidence-{reportId}.zip");
    }

    private static IResult Pending(HttpContext http, Guid reportId, string database, long needed, long? served)
    {
        http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        var detail = served is null
            ? $"the log of {database} has no checkpoint yet (it is being built from the chain); the bundle is made once a checkpoint covers the report's {needed} positions"
            : $"the log of {database} serves a checkpoint of size {served}, short of the report's {needed} positions (the log is being built from the chain); try again after Retry-After";
        return Results.Json(new { status = "pending", reportId, database, neededSize = needed, checkpointSize = served, retryAfterSeconds = RetryAfterSeconds, detail },
            LedgerJson.Options, statusCode: StatusCodes.Status202Accepted);
    }

    private static IResult Disagree(HttpContext http, string detail) =>
        Problems.Of(http, 409, "Report and ledger disagree", $"{detail}; GET /api/v1/ledger/verify names what differs");
}
