using System.Text.Json;

namespace LedgerVerify;

/// <summary>One event of the bundle: its own sequence (as the report cites it), its id, and its position in the chain (log index + 1).</summary>
internal sealed record ManifestEvent(long Sequence, string EventId, long Position);

/// <summary>
/// manifest.json of a <c>ledger-evidence/v1</c> bundle. It is not signed: every claim in it is
/// checked against the signed checkpoint, the proofs and the files before it is believed.
/// </summary>
internal sealed record Manifest(string ReportId, string ReportSha256, string Database, string Origin, long CheckpointSize, IReadOnlyList<ManifestEvent> Events)
{
    public const string Format = "ledger-evidence/v1";

    public static Manifest Parse(byte[] bytes)
    {
        const string where = "manifest.json";
        using var doc = Json.Parse(bytes, where);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new Invalid(where, "is not a JSON object");
        if (Json.String(root, "format", where) != Format) throw new Invalid(where, $"'format' is not '{Format}'");
        var reportId = Json.String(root, "reportId", where);
        if (!Guid.TryParseExact(reportId, "D", out _)) throw new Invalid(where, "'reportId' is not a report id (GUID)");
        var sha = Json.String(root, "reportSha256", where);
        if (sha.Length != 64 || !sha.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f')) throw new Invalid(where, "'reportSha256' is not 64 lower-case hex digits");
        var database = Json.String(root, "database", where);
        var origin = Json.String(root, "origin", where);
        var size = Json.Integer(root, "checkpointSize", where);
        if (!root.TryGetProperty("events", out var list) || list.ValueKind != JsonValueKind.Array) throw new Invalid(where, "'events' is missing or not an array");

        var events = new List<ManifestEvent>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var positions = new HashSet<long>();
        var i = 0;
        foreach (var e in list.EnumerateArray())
        {
            var at = $"{where} events[{i++}]";
            if (e.ValueKind != JsonValueKind.Object) throw new Invalid(at, "is not an object");
            var ev = new ManifestEvent(Json.Integer(e, "sequence", at), Json.String(e, "eventId", at), Json.Integer(e, "position", at));
            if (ev.Sequence < 1) throw new Invalid(at, "'sequence' is less than 1");
            if (ev.Position < 1) throw new Invalid(at, "'position' is less than 1");
            if (!EventIds.IsCanonical(ev.EventId)) throw new Invalid(at, "'eventId' is not a lower-case hyphenated GUID");
            if (!ids.Add(ev.EventId)) throw new Invalid(at, $"event {ev.EventId} is listed twice");
            if (!positions.Add(ev.Position)) throw new Invalid(at, $"position {ev.Position} is listed twice");
            events.Add(ev);
        }
        return new Manifest(reportId, sha, database, origin, size, events);
    }
}
