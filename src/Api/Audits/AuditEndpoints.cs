using System.Diagnostics;
using System.Text.Json;
using Ledger.Access;
using Ledger.Api.Access;
using Ledger.Api.Hosting;
using Ledger.Api.Http;
using Ledger.Audit.Departure;
using Ledger.Audit.Reports;
using Ledger.Audit.BalanceSheets;
using Ledger.Events;
using Ledger.Ingest;
using NodaTime;
using NodaTime.Text;
using Wolverine.Http;

namespace Ledger.Api.Audits;

/// <summary>Departure audits: issue a report (frozen at its knowledge point), fetch it in four formats, compare it with what is known now.</summary>
public static class AuditEndpoints
{
    /// <summary>The same rule ingest applies to a tenure stream's key.</summary>
    public static string? TenureIdProblem(string id) => EventCatalog.KeyShapeProblem("tenure", id);

    private static readonly string[] BodyFields = ["tenureId", "knownAt", "interim", "ruleSet", "functionalZone", "weights"];

    [WolverinePost("/api/v1/audits/departure")]
    public static async Task<IResult> Create(HttpContext http, ShardAudits shards, IClock clock, LedgerMetrics metrics, CancellationToken ct)
    {
        if (http.Require(Role.Auditor) is { } denied) return denied;
        var (doc, problem) = await RequestBody.ReadAsync(http, ct);
        if (problem is not null) return problem;
        using var _ = doc;
        var (request, knownAt, rules, errors) = Parse(doc!.RootElement, http.Client().Name, clock.GetCurrentInstant());
        if (errors.Count > 0) return Problems.Validation(http, errors);

        var client = http.Client();
        var started = Stopwatch.GetTimestamp();
        var audits = await shards.ForTenureAsync(request!.TenureId, ct);
        var (issued, refusal) = await audits.CreateAsync(request!, rules!, knownAt, client.CanSee, client.Scope, ct);
        metrics.AuditIssued(refusal is null, started);
        if (refusal is not null)
        {
            if (refusal.RetryAfterSeconds is { } retry) http.Response.Headers.RetryAfter = retry.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Problems.Of(http, refusal.Status, refusal.Title, refusal.Detail);
        }
        var (stored, report) = issued!;

        var location = $"/api/v1/audits/{stored.Id}";
        return Results.Json(new
        {
            reportId = stored.Id,
            tenureId = stored.TenureId,
            interim = stored.Interim,
            knownAt = stored.KnownAt,
            highWater = stored.HighWater,
            ruleSet = stored.RuleSet,
            score = report.Score,
            grade = report.Grade,
            findings = report.Findings.Count,
            contentSha256 = stored.ContentSha256,
            links = new { json = location, html = location + ".html", pdf = location + ".pdf", xlsx = location + ".xlsx", compare = location + "/compare" },
        }, LedgerJson.Options, statusCode: 201);
    }

    /// <summary><c>{id}</c>, <c>{id}.json</c>, <c>{id}.html</c>, <c>{id}.pdf</c> or <c>{id}.xlsx</c>: always rendered from the stored JSON.</summary>
    [WolverineGet("/api/v1/audits/{file}")]
    public static async Task<IResult> Get(HttpContext http, string file, DepartureAudits audits, CancellationToken ct)
    {
        if (http.Require(Role.Auditor) is { } denied) return denied;
        var dot = file.LastIndexOf('.');
        var (idText, format) = dot < 0 ? (file, "json") : (file[..dot], file[(dot + 1)..]);
        var errors = new List<ItemError>();
        if (!Guid.TryParse(idText, out var id)) errors.Add(new ItemError("reportId", "must be a report id (UUID)"));
        if (format is not ("json" or "html" or "pdf" or "xlsx")) errors.Add(new ItemError("format", "must be one of: .json, .html, .pdf, .xlsx"));
        if (errors.Count > 0) return Problems.Validation(http, errors);
        var (stored, missing) = await FindVisibleAsync(http, audits, id, ct);
        if (missing is not null) return missing;

        http.Response.Headers.ETag = $"\"{stored!.ContentSha256}\"";
        http.Response.Headers["X-Report-Sha256"] = stored.ContentSha256;
        var name = $"departure-audit-{stored.TenureId}-{stored.Id}";
        if (format == "json") return Results.Text(stored.Content, "application/json; charset=utf-8");
        var report = ReportJson.Deserialize(stored.Content);
        switch (format)
        {
            case "html":
                return Results.Text(ReportHtml.Render(report, stored.ContentSha256), "text/html; charset=utf-8");
            case "xlsx":
                return Results.File(ReportWorkbook.Build(report, stored.ContentSha256), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name + ".xlsx");
            default:
                try
                {
                    return Results.File(ReportPdf.Render(report, stored.ContentSha256), "application/pdf", name + ".pdf");
                }
                catch (MissingFontException e)
                {
                    return Problems.Of(http, 503, "PDF rendering unavailable", e.Message);
                }
        }
    }

    /// <summary>Regenerates the report at its own knowledge point (must match byte for byte) and as known now, and lists what changed and why.</summary>
    [WolverineGet("/api/v1/audits/{id}/compare")]
    public static async Task<IResult> Compare(HttpContext http, string id, DepartureAudits audits, ShardAudits shards, CancellationToken ct)
    {
        if (http.Require(Role.Auditor) is { } denied) return denied;
        if (!Guid.TryParse(id, out var reportId)) return Problems.Validation(http, [new ItemError("reportId", "must be a report id (UUID)")]);
        var (stored, missing) = await FindVisibleAsync(http, audits, reportId, ct);
        if (missing is not null) return missing;
        var tenureAudits = await shards.ForTenureAsync(stored!.TenureId, ct);
        var comparison = await tenureAudits.CompareAsync(stored, ct);
        return comparison is null
            ? Problems.Of(http, 409, "Tenure no longer visible", $"tenure {stored!.TenureId} cannot be read as known now")
            : Results.Json(comparison, LedgerJson.Options);
    }

    /// <summary>Issued reports inside the caller's scope (or a region within it), newest first; optionally one tenure's.</summary>
    [WolverineGet("/api/v1/audits")]
    public static async Task<IResult> List(HttpContext http, ReportStore reports, CancellationToken ct)
    {
        if (http.Require(Role.Auditor) is { } denied) return denied;
        var q = new QueryParameters(http);
        var region = http.Request.Query["region"].ToString() is { Length: > 0 } r ? r : http.Client().Scope;
        var tenure = http.Request.Query["tenureId"].ToString() is { Length: > 0 } t ? t : null;
        var limit = q.Integer("limit", 1, 500) ?? 100;
        if (!Ledger.Regions.RegionCodes.IsWellFormed(region)) q.Errors.Add(new ItemError("region", "must be a six-digit GB/T 2260 region code"));
        if (tenure is not null && TenureIdProblem(tenure) is { } badTenure) q.Errors.Add(new ItemError("tenureId", badTenure));
        if (q.Errors.Count > 0) return Problems.Validation(http, q.Errors);
        if (!http.Client().CanSee(region)) return Problems.Forbidden(http, $"region {region} is outside the client's scope {http.Client().Scope}");
        var (low, high) = SheetQuery.CodeRange(region);
        var list = await reports.ListAsync(low, high, tenure, limit, ct);
        return Results.Json(new
        {
            reports = list.Select(s => new
            {
                reportId = s.Id, tenureId = s.TenureId, regionCode = s.RegionCode, knownAt = s.KnownAt, highWater = s.HighWater, ruleSet = s.RuleSet,
                functionalZone = s.FunctionalZone, interim = s.Interim, generatedAt = s.GeneratedAt, generatedBy = s.GeneratedBy, contentSha256 = s.ContentSha256,
            }),
        }, LedgerJson.Options);
    }

    /// <summary>The shipped rule sets, in full: what a report's scoring means.</summary>
    [WolverineGet("/api/v1/audit-rule-sets")]
    public static IResult RuleSetList(HttpContext http) =>
        http.Require(Role.Auditor) is { } denied ? denied : Results.Json(new { ruleSets = RuleSets.All.Values, @default = RuleSets.Default }, LedgerJson.Options);

    internal static async Task<(StoredReport? Report, IResult? Problem)> FindVisibleAsync(HttpContext http, DepartureAudits audits, Guid id, CancellationToken ct)
    {
        var stored = await audits.FindAsync(id, ct);
        if (stored is null) return (null, Problems.NotFound(http, $"no audit report has id {id}"));
        return http.Client().CanSee(stored.RegionCode)
            ? (stored, null)
            : (null, Problems.Forbidden(http, $"report {id} is outside the client's scope {http.Client().Scope}"));
    }

    internal static (AuditRequest? Request, Instant KnownAt, RuleSet? Rules, List<ItemError> Errors) Parse(JsonElement root, string client, Instant now)
    {
        var errors = new List<ItemError>();
        if (root.ValueKind != JsonValueKind.Object)
            return (null, now, null, [new ItemError("$", "the body must be a JSON object such as {\"tenureId\":\"T-990101-2016-p\"}")]);
        foreach (var p in root.EnumerateObject().Where(p => !BodyFields.Contains(p.Name)))
            errors.Add(new ItemError(p.Name, $"is not a field of this request (fields: {string.Join(", ", BodyFields)})"));

        string? Text(string name, bool required) => RequestBody.Text(root, name, required, errors);

        var tenureId = Text("tenureId", true);
        if (tenureId is not null && TenureIdProblem(tenureId) is { } badTenure) errors.Add(new ItemError("tenureId", badTenure));

        var knownAt = now;
        if (Text("knownAt", false) is { } k)
        {
            var parsed = InstantPattern.ExtendedIso.Parse(k);
            if (!parsed.Success) errors.Add(new ItemError("knownAt", "must be an ISO-8601 UTC instant such as 2026-03-01T08:00:00Z"));
            else if (parsed.Value > now) errors.Add(new ItemError("knownAt", $"must not be in the future (now is {now})"));
            else knownAt = parsed.Value;
        }

        var interim = false;
        if (root.TryGetProperty("interim", out var i) && i.ValueKind != JsonValueKind.Null)
        {
            if (i.ValueKind is JsonValueKind.True or JsonValueKind.False) interim = i.GetBoolean();
            else errors.Add(new ItemError("interim", "must be true or false"));
        }

        var rulesKey = Text("ruleSet", false) ?? RuleSets.Default;
        var rules = RuleSets.Find(rulesKey);
        if (rules is null) errors.Add(new ItemError("ruleSet", $"must be one of: {string.Join(", ", RuleSets.All.Keys)}"));
        var zone = Text("functionalZone", false);
        if (zone is not null && rules is not null && !rules.Zones.ContainsKey(zone))
            errors.Add(new ItemError("functionalZone", $"must be one of the rule set's zones: {string.Join(", ", rules.Zones.Keys)}"));
        var weights = Weights(root, errors);
        if (weights is not null && rules is not null && errors.Count == 0)
            errors.AddRange(rules.Weights(zone ?? rules.DefaultZone, weights).Errors.Select(e => new ItemError(e.Field, e.Message)));

        return errors.Count > 0
            ? (null, knownAt, rules, errors)
            : (new AuditRequest(tenureId!, knownAt, interim, rules!.Key, zone, client, InModuleOrder(rules, weights)), knownAt, rules, errors);
    }

    /// <summary><c>"weights": {"farmland": 40, …}</c>: module points chosen within the zone's brackets.</summary>
    private static Dictionary<string, decimal>? Weights(JsonElement root, List<ItemError> errors)
    {
        if (!root.TryGetProperty("weights", out var w) || w.ValueKind == JsonValueKind.Null) return null;
        if (w.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new ItemError("weights", "must be an object of module points, e.g. {\"farmland\": 40, \"water\": 20}"));
            return null;
        }
        var chosen = new Dictionary<string, decimal>();
        foreach (var p in w.EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetDecimal(out var d)) chosen[p.Name] = d;
            else errors.Add(new ItemError($"weights.{BatchParser.Clip(p.Name)}", "must be a number of points"));
        }
        return chosen;
    }

    /// <summary>The same choice always serialises the same way, whatever order the request listed it in.</summary>
    private static IReadOnlyDictionary<string, decimal>? InModuleOrder(RuleSet rules, Dictionary<string, decimal>? weights) =>
        weights is null ? null : rules.Modules.Where(m => weights.ContainsKey(m.Id)).ToDictionary(m => m.Id, m => weights[m.Id]);
}
