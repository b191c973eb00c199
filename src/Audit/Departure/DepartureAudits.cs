using Ledger.Storage;
using NodaTime;

namespace Ledger.Audit.Departure;

/// <param name="Weights">Module points chosen within the zone's brackets (validated by <see cref="RuleSet.Weights"/>), or null.</param>
public sealed record AuditRequest(string TenureId, Instant? KnownAt, bool Interim, string RuleSet, string? FunctionalZone, string Client,
    IReadOnlyDictionary<string, decimal>? Weights = null);

/// <summary>A report as issued: what was stored, and the report it was built from.</summary>
public sealed record IssuedReport(StoredReport Stored, DepartureReport Report);

/// <summary>Why an audit cannot be made: <see cref="Status"/> is the HTTP status the API answers with.</summary>
public sealed record AuditRefusal(int Status, string Title, string Detail, int? RetryAfterSeconds = null);

/// <summary>
/// How many reports one client may issue in any 24 hours. Issued reports are evidence and are never
/// deleted, so without a bound one key could fill the database in a loop; interim reports (of
/// tenures still running) are the ones a script would repeat, so they have a bound of their own.
/// </summary>
public sealed record AuditQuota(int PerDay = 200, int InterimPerDay = 50)
{
    public static AuditQuota From(Func<string, string?> setting) => new(
        Ledger.Storage.OperatorSettings.AuditReportsPerDay.Int(setting),
        Ledger.Storage.OperatorSettings.InterimReportsPerDay.Int(setting));
}

/// <summary>Issues, fetches, regenerates and compares departure-audit reports.</summary>
public sealed class DepartureAudits(AuditReader reader, ReportStore reports, IClock clock, AuditQuota? quota = null)
{
    private readonly AuditQuota _quota = quota ?? new AuditQuota();

    /// <summary>Checks the tenure before anything is written: the caller's scope is checked by the API against <see cref="TenureFacts.RegionCode"/>.</summary>
    public async Task<(TenureFacts? Tenure, AuditRefusal? Refusal)> TenureAsync(string tenureId, Instant knownAt, long highWater, bool interim,
        CancellationToken ct)
    {
        var tenure = await reader.TenureAsync(tenureId, knownAt, highWater, ct);
        if (tenure is null)
        {
            var now = await reader.TenureAsync(tenureId, Instant.MaxValue, long.MaxValue, ct);
            return now is null
                ? (null, new AuditRefusal(404, "Unknown tenure", $"no tenure {tenureId} has been recorded"))
                : (null, new AuditRefusal(422, "Tenure not yet recorded", $"tenure {tenureId} was recorded after {knownAt}; choose a later knownAt"));
        }
        if (tenure.EndedOn is null && !interim)
            return (tenure, new AuditRefusal(422, "Tenure has not ended",
                $"tenure {tenureId} had not ended as known at {knownAt}; ask for an interim audit with \"interim\": true"));
        if (tenure.EndedOn is { } ended && interim)
            return (tenure, new AuditRefusal(422, "Tenure has ended",
                $"tenure {tenureId} ended on {ended:yyyy-MM-dd}; an interim audit is only for a tenure still running: omit \"interim\""));
        return (tenure, null);
    }

    /// <summary>
    /// Issues a report after every check: the high-water mark is read first and bounds everything
    /// after it; the tenure must exist at the knowledge point, lie inside the caller's scope, and
    /// be ended (or running, for an interim audit). A refusal writes nothing.
    /// </summary>
    public async Task<(IssuedReport? Issued, AuditRefusal? Refusal)> CreateAsync(AuditRequest request, RuleSet rules, Instant knownAt,
        Func<string, bool> canSee, string scope, CancellationToken ct)
    {
        knownAt = StoredInstant.Truncate(knownAt);
        // Scope first, from the tenure as it stands now: an out-of-scope caller learns nothing from
        // the answer about when, or whether yet, another province recorded the tenure.
        var region = await reader.TenureRegionAsync(request.TenureId, ct);
        if (region is null) return (null, new AuditRefusal(404, "Unknown tenure", $"no tenure {request.TenureId} has been recorded"));
        if (!canSee(region)) return (null, new AuditRefusal(403, "Forbidden", $"tenure {request.TenureId} is outside the client's scope {scope}"));
        var highWater = await reader.HighWaterAsync(ct);
        var (tenure, refusal) = await TenureAsync(request.TenureId, knownAt, highWater, request.Interim, ct);
        if (refusal is not null) return (null, refusal);
        if (await OverQuotaAsync(request, ct) is { } over) return (null, over);
        return (await IssueAsync(tenure!, request, rules, knownAt, highWater, ct), null);
    }

    private async Task<AuditRefusal?> OverQuotaAsync(AuditRequest request, CancellationToken ct)
    {
        var limit = request.Interim ? _quota.InterimPerDay : _quota.PerDay;
        var now = clock.GetCurrentInstant();
        var (count, oldest) = await reports.IssuedSinceAsync(request.Client, request.Interim, now - Duration.FromDays(1), ct);
        if (count < limit) return null;
        var retry = (int)Math.Ceiling(((oldest ?? now) + Duration.FromDays(1) - now).TotalSeconds);
        var kind = request.Interim ? "interim reports" : "reports";
        return new AuditRefusal(429, "Too many reports",
            $"client '{request.Client}' has issued {count} {kind} in the last 24 hours, the most allowed; retry after {Math.Max(1, retry)} s", Math.Max(1, retry));
    }

    private async Task<IssuedReport> IssueAsync(TenureFacts tenure, AuditRequest request, RuleSet rules, Instant knownAt, long highWater,
        CancellationToken ct)
    {
        var issue = new ReportBuilder.Issue(Guid.CreateVersion7(), StoredInstant.Truncate(clock.GetCurrentInstant()), request.Client,
            request.FunctionalZone ?? rules.DefaultZone, request.Weights);
        var report = await BuildAsync(tenure, request.Interim, rules, knownAt, highWater, issue, ct);
        var content = ReportJson.Serialize(report);
        var stored = new StoredReport(issue.ReportId, tenure.TenureId, tenure.RegionCode, knownAt, highWater, rules.Key, issue.FunctionalZone,
            request.Interim, issue.GeneratedAt, issue.GeneratedBy, content, ReportJson.Sha256(content),
            request.Weights is null ? null : System.Text.Json.JsonSerializer.Serialize(request.Weights, ReportJson.Options));
        await reports.InsertAsync(stored, ct);
        return new IssuedReport(stored, report);
    }

    public Task<StoredReport?> FindAsync(Guid id, CancellationToken ct) => reports.FindAsync(id, ct);

    public Task<long> HighWaterAsync(CancellationToken ct) => reader.HighWaterAsync(ct);

    /// <summary>Recomputes a stored report from the ledger with its own knownAt and high-water mark: equal to the stored one unless evidence was tampered with.</summary>
    public async Task<DepartureReport> RegenerateAsync(StoredReport stored, CancellationToken ct)
    {
        var rules = RuleSets.Find(stored.RuleSet) ?? throw new InvalidOperationException($"rule set {stored.RuleSet} is no longer shipped");
        var tenure = await reader.TenureAsync(stored.TenureId, stored.KnownAt, stored.HighWater, ct)
            ?? throw new InvalidOperationException($"tenure {stored.TenureId} is not visible at the report's knowledge point");
        return await BuildAsync(tenure, stored.Interim, rules, stored.KnownAt, stored.HighWater,
            new ReportBuilder.Issue(stored.Id, stored.GeneratedAt, stored.GeneratedBy, stored.FunctionalZone, WeightsOf(stored)), ct);
    }

    /// <summary>The same audit as known now (the newest knowledge and high-water mark), under the report's id and rule set, for comparison.</summary>
    public async Task<DepartureReport?> AsKnownNowAsync(StoredReport stored, CancellationToken ct)
    {
        var rules = RuleSets.Find(stored.RuleSet) ?? throw new InvalidOperationException($"rule set {stored.RuleSet} is no longer shipped");
        var now = clock.GetCurrentInstant();
        var highWater = await reader.HighWaterAsync(ct);
        var tenure = await reader.TenureAsync(stored.TenureId, now, highWater, ct);
        if (tenure is null) return null;
        return await BuildAsync(tenure, stored.Interim && tenure.EndedOn is null, rules, now, highWater,
            new ReportBuilder.Issue(stored.Id, now, stored.GeneratedBy, stored.FunctionalZone, WeightsOf(stored)), ct);
    }

    /// <summary>Regenerates the report at its own knowledge point (reproducibility) and again as known now, and lists the differences and the records behind them.</summary>
    public async Task<ReportComparison?> CompareAsync(StoredReport stored, CancellationToken ct)
    {
        var then = ReportJson.Deserialize(stored.Content);
        var regenerated = ReportJson.Sha256(ReportJson.Serialize(await RegenerateAsync(stored, ct)));
        var now = await AsKnownNowAsync(stored, ct);
        if (now is null) return null;
        var (changes, findings) = ReportDiff.Compare(then, now);
        var arrived = await reader.ArrivedSinceAsync(then.Tenure.RegionCode, then.Tenure.Start, now.Tenure.End, stored.KnownAt, stored.HighWater, ct);
        var explained = arrived.Select(e => new ArrivedEvent(e, Reason(e, then))).ToList();
        return new ReportComparison(stored.Id, stored.KnownAt, stored.HighWater, now.KnownAt, now.HighWater, regenerated == stored.ContentSha256,
            stored.ContentSha256, regenerated, changes.Count > 0 || findings.Count > 0, changes, findings, explained);
    }

    private static string Reason(EventRef e, DepartureReport then)
    {
        var correction = Investigations.EventSearch.CorrectionTypes.Contains(e.Type) ? "correction; " : "";
        var inside = e.EffectiveDate >= then.Tenure.Start && e.EffectiveDate <= then.Tenure.End;
        return inside
            ? $"{correction}back-dated: effective {e.EffectiveDate:yyyy-MM-dd}, inside the tenure, but recorded {e.RecordedAt} after the report's knowledge point {then.KnownAt}"
            : $"{correction}recorded {e.RecordedAt} after the report's knowledge point; effective {e.EffectiveDate:yyyy-MM-dd}, counts toward a tenure year";
    }

    private static IReadOnlyDictionary<string, decimal>? WeightsOf(StoredReport stored) =>
        stored.Weights is null ? null : System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, decimal>>(stored.Weights, ReportJson.Options);

    private async Task<DepartureReport> BuildAsync(TenureFacts tenure, bool interim, RuleSet rules, Instant knownAt, long highWater,
        ReportBuilder.Issue issue, CancellationToken ct)
    {
        // An interim audit runs to the knowledge date (Beijing time); a final one to the tenure's last day.
        var end = tenure.EndedOn ?? knownAt.InZone(AuditReader.LedgerZone).Date;
        var inputs = await reader.InputsAsync(tenure, end, interim, knownAt, highWater, rules.BackDatingDays, ct);
        return ReportBuilder.Build(inputs, rules, issue);
    }
}
