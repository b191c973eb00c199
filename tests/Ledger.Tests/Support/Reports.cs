using System.Net;
using System.Text.Json;
using Shouldly;

namespace Ledger.Tests.Support;

public static class Reports
{
    /// <summary>Issues a departure audit of a tenure (under a rule set, or the default) and returns the report's JSON.</summary>
    public static async Task<JsonElement> IssueReportAsync(this LedgerApp app, string auditorKey, string tenureId, string? ruleSet)
    {
        object body = ruleSet is null ? new { tenureId } : new { tenureId, ruleSet };
        var created = await app.SendAsync(HttpMethod.Post, "/api/v1/audits/departure", auditorKey, body);
        var text = await created.Content.ReadAsStringAsync();
        created.StatusCode.ShouldBe(HttpStatusCode.Created, text);
        var id = JsonDocument.Parse(text).RootElement.GetProperty("reportId").GetString()!;
        var report = await app.SendAsync(HttpMethod.Get, $"/api/v1/audits/{id}", auditorKey);
        return JsonDocument.Parse(await report.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}
