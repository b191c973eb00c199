using System.Text.Json.Nodes;

namespace Ledger.Api.OpenApi;

/// <summary>Contract 1.6 in the document: an event's canonical text and a report's evidence bundle.</summary>
public static partial class LedgerOpenApi
{
    private static JsonObject WithEvidencePaths(JsonObject paths)
    {
        var canonical = Responses(("200", "The canonical text's exact bytes, the text the chain hashes", null),
            ("400", "The sequence is not a whole number from 1", "Problem"),
            ("403", "Wrong role, or outside the key's scope: a database that cannot hold the key's province, or an event outside it (decided before anything about the event is revealed)", "Problem"),
            ("404", "No such database, or no event of that sequence in it", "Problem"), ("503", "The database is not prepared on this node yet", "Problem"));
        Body(canonical, "200", "text/plain; charset=utf-8", Str());
        Headers(canonical, "200", ("X-Database", "The database read"), ("X-Event-Id", "The event's id"),
            ("X-Chain-Position", "The event's position in its database's chain"),
            ("X-Log-Index", "Its index in the database's transparency log (position − 1); only when the ledger keeps the log"),
            ("X-Canonical-Sha256", "Standard base64 of the text's SHA-256: the last line of the event's log entry"));
        paths["/api/v1/ledger/events/{sequence}/canonical"] = new JsonObject
        {
            ["get"] = Op("An event's canonical text (contract 1.6): `{sequence}|{eventId}|…`, exactly the bytes whose SHA-256 its log entry carries; needs no log (auditor, investigator)",
                parameters: new JsonArray(PathParameter("sequence", "The event's own sequence, as every other answer reports it"),
                    QueryParameter("database", "string", "catalogue, or a shard's name (default: the database holding the key's province; the catalogue for a national key)")),
                responses: canonical),
        };

        var evidence = Responses(("200", "A ledger-evidence/v1 zip (docs/transparency-log.md): manifest.json, report.json, checkpoint, policy, events/{eventId}.txt, proofs/{eventId}.tlog-proof; byte-identical for the same checkpoint", null),
            ("202", "No checkpoint the log serves covers the report yet (the log is being built): {status, reportId, database, neededSize, checkpointSize, retryAfterSeconds, detail}, with Retry-After", null),
            ("400", "Not a report id", "Problem"), ("403", "Wrong role, or the report is outside the key's scope", "Problem"),
            ("404", "No such report, or the ledger keeps no transparency log (LEDGER_LOG=0)", "Problem"),
            ("409", "The report cites an event the ledger does not hold as cited, or the log's entry differs from the event: run verify", "Problem"),
            ("503", "The tenure's database is not prepared on this node yet", "Problem"));
        Body(evidence, "200", "application/zip", Str(null, "binary"));
        Headers(evidence, "200", ("Content-Disposition", "attachment; filename=evidence-{reportId}.zip"), ("X-Checkpoint-Size", "The size of the checkpoint every proof is against"));
        Headers(evidence, "202", ("Retry-After", "Seconds to wait before asking again"));
        paths["/api/v1/audits/{reportId}/evidence"] = new JsonObject
        {
            ["get"] = Op("A report's evidence bundle for `ledger-verify evidence BUNDLE.zip --policy POLICY`: the stored report, the canonical text of every event it cites and each one's inclusion proof against one checkpoint covering its high-water mark (auditor, investigator)",
                parameters: new JsonArray(PathParameter("reportId")), responses: evidence),
        };
        return paths;
    }

    private static void Body(JsonObject responses, string status, string mediaType, JsonObject schema) =>
        responses[status]!.AsObject()["content"] = new JsonObject { [mediaType] = new JsonObject { ["schema"] = schema } };

    private static void Headers(JsonObject responses, string status, params (string Name, string Description)[] headers) =>
        responses[status]!.AsObject()["headers"] = new JsonObject(headers.Select(h =>
            KeyValuePair.Create(h.Name, (JsonNode?)new JsonObject { ["description"] = h.Description, ["schema"] = Str() })));
}
