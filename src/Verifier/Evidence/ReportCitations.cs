using System.Text.Json;

namespace LedgerVerify;

/// <summary>An event the report cites: an object with both <c>sequence</c> and <c>eventId</c>, and where it sits in the JSON.</summary>
internal sealed record Citation(long Sequence, string EventId, string Path);

/// <summary>
/// Finds every citation in report.json by walking the whole tree: any JSON object holding both a
/// <c>sequence</c> and an <c>eventId</c> member cites that event, wherever the report puts it.
/// </summary>
internal static class ReportCitations
{
    public static (string? ReportId, IReadOnlyList<Citation> Citations) Read(byte[] report)
    {
        using var doc = Json.Parse(report, "report.json");
        var citations = new List<Citation>();
        Walk(doc.RootElement, "$", citations);
        string? reportId = doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("reportId", out var id) && id.ValueKind == JsonValueKind.String
            ? id.GetString() : null;
        return (reportId, citations);
    }

    private static void Walk(JsonElement e, string path, List<Citation> citations)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                if (e.TryGetProperty("sequence", out var sequence) && e.TryGetProperty("eventId", out var eventId))
                {
                    var at = $"report.json {path}";
                    if (sequence.ValueKind != JsonValueKind.Number || !sequence.TryGetInt64(out var n)) throw new Invalid(at, "cites an event whose 'sequence' is not an integer");
                    if (eventId.ValueKind != JsonValueKind.String || !Guid.TryParseExact(eventId.GetString(), "D", out var guid))
                        throw new Invalid(at, "cites an event whose 'eventId' is not a GUID");
                    citations.Add(new Citation(n, guid.ToString("D"), path));
                }
                foreach (var member in e.EnumerateObject()) Walk(member.Value, $"{path}.{member.Name}", citations);
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in e.EnumerateArray()) Walk(item, $"{path}[{i++}]", citations);
                break;
        }
    }
}
