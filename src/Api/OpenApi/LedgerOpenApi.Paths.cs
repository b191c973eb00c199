using System.Text.Json.Nodes;

namespace Ledger.Api.OpenApi;

public static partial class LedgerOpenApi
{
    private static JsonObject Paths() => new()
    {
        ["/health"] = new JsonObject
        {
            ["get"] = Op("Liveness: 200 once the service can accept events", security: false, responses: Responses(("200", "Ready", null), ("503", "Database unavailable", "Problem"))),
        },
        ["/health/ready"] = new JsonObject
        {
            ["get"] = Op("Readiness: the chain and the event index are level with the events, and the last background check found the derived tables equal to the events. No counts.", security: false,
                responses: Responses(("200", "{status, database, reasons, derivedTablesCheckedAt, lastCheckpoint}", null),
                    ("503", "Behind, derived tables differ (reasons name them), or the database is unavailable", null))),
        },
        ["/api/v1/ledger/verify"] = new JsonObject
        {
            ["get"] = Op("Recompute the tamper-evidence chain against the event rows and stored checkpoints, and check the derived tables (yearly totals, stream states and versions, flows, targets, event index) against the events (investigator)",
                responses: Responses(("200", "{ok, eventsChecked, firstBrokenSequence, checkpointsChecked, problems:[{sequence, what, table}]}", null))),
            ["post"] = Op("The same, also against checkpoints kept outside the database (investigator)",
                body: Obj(new JsonObject { ["checkpoints"] = new JsonObject { ["type"] = "array" } }, ["checkpoints"]),
                responses: Responses(("200", "Verification result", null), ("400", "Malformed checkpoints", "Problem"))),
        },
        ["/api/v1/ledger/checkpoints"] = new JsonObject
        {
            ["get"] = Op("Every signed checkpoint with the public key, for keeping outside the database (investigator)",
                responses: Responses(("200", "{publicKey, checkpoints:[{position, hash, signedAt, signature, message}]}", null))),
            ["post"] = Op("Sign a checkpoint of the chain head now (investigator, admin)",
                responses: Responses(("201", "Signed", null), ("200", "Nothing new to sign", null))),
        },
        ["/api/v1/ledger/logs"] = new JsonObject
        {
            ["get"] = Op("Each database's transparency log (contract 1.6; kept unless LEDGER_LOG=0, which answers 404): origin, signed-note verifier key, size, and a tlog-policy text (any valid key)",
                responses: Responses(("200", "{logs:[{database, origin, verifierKey, size}], witnesses:[], policy}", null), ("404", "The ledger keeps no log", "Problem"))),
        },
        ["/api/v1/ledger/logs/{database}/checkpoint"] = new JsonObject
        {
            ["get"] = Op("The log's newest checkpoint, a C2SP tlog-checkpoint signed note (text/plain; any valid key)",
                parameters: new JsonArray(PathParameter("database", "catalogue, or a shard's name")),
                responses: Responses(("200", "The signed checkpoint", null), ("404", "No such database, no checkpoint yet, or no log kept", "Problem"))),
        },
        ["/api/v1/ledger/logs/{database}/tile/{path}"] = new JsonObject
        {
            ["get"] = Op("C2SP tlog-tiles: tile/{L}/{N}[.p/{W}] (hashes) and tile/entries/{N}[.p/{W}] (uint16-prefixed entries), height 8, N as x001/x234/067; immutable (any valid key)",
                parameters: new JsonArray(PathParameter("database", "catalogue, or a shard's name"), PathParameter("path", "The tile's path after tile/")),
                responses: Responses(("200", "The tile's bytes (application/octet-stream)", null), ("400", "Not a tlog-tiles path", "Problem"),
                    ("404", "A tile the log does not have (not yet full, or no checkpoint had that width)", "Problem"))),
        },
        ["/api/v1/ledger/logs/{database}/proof/inclusion"] = new JsonObject
        {
            ["get"] = Op("A C2SP tlog-proof@v1 of an entry's inclusion, its extra line the base64 entry, with the checkpoint verbatim (text/plain; any valid key)",
                parameters: new JsonArray(PathParameter("database", "catalogue, or a shard's name"),
                    QueryParameter("index", "int64", "The entry's zero-based index (its chain position − 1); required"),
                    QueryParameter("size", "int64", "A checkpointed size (default: the newest checkpoint's)")),
                responses: Responses(("200", "The tlog-proof text", null), ("400", "Bad index or size", "Problem"), ("404", "No checkpoint of that size", "Problem"))),
        },
        ["/api/v1/ledger/logs/{database}/proof/consistency"] = new JsonObject
        {
            ["get"] = Op("An RFC 6962 consistency proof between two checkpointed sizes: one base64 hash per line (text/plain; any valid key)",
                parameters: new JsonArray(PathParameter("database", "catalogue, or a shard's name"),
                    QueryParameter("from", "int64", "The older checkpointed size; required"), QueryParameter("to", "int64", "The newer checkpointed size; required")),
                responses: Responses(("200", "The proof", null), ("400", "Missing, malformed or reversed sizes", "Problem"), ("404", "No checkpoint of a size", "Problem"))),
        },
        ["/api/v1/ledger/national-checkpoints"] = new JsonObject
        {
            ["get"] = Op("Every national checkpoint: a signature over the Merkle root of each database's chain head (with shards; investigator)",
                responses: Responses(("200", "{publicKey, checkpoints:[{signedAt, root, message, signature, heads:[{database, position, hash}]}]}", null))),
        },
        ["/api/v1/audits/departure"] = new JsonObject
        {
            ["post"] = Op("Issue a departure-audit report for a tenure, frozen at knownAt and the current high-water mark (auditor, investigator)",
                body: Obj(new JsonObject
                {
                    ["tenureId"] = new JsonObject { ["type"] = "string", ["description"] = "The tenure stream's key" },
                    ["knownAt"] = new JsonObject { ["type"] = "string", ["format"] = "date-time", ["description"] = "As known at (default: now; not in the future)" },
                    ["interim"] = new JsonObject { ["type"] = "boolean", ["description"] = "Audit a tenure that has not ended, up to the knowledge date" },
                    ["ruleSet"] = new JsonObject { ["type"] = "string", ["description"] = "Rule set id@version (default national@2026.3; see /api/v1/audit-rule-sets)" },
                    ["functionalZone"] = new JsonObject { ["type"] = "string", ["description"] = "Main functional zone choosing the module weights (default: the rule set's)" },
                    ["weights"] = new JsonObject
                    {
                        ["type"] = "object", ["additionalProperties"] = new JsonObject { ["type"] = "number" },
                        ["description"] = "Module points chosen within the zone's brackets, adding up to 100 with the defaults of modules not named, e.g. {\"farmland\": 40, \"water\": 20}",
                    },
                }, ["tenureId"]),
                responses: Responses(("201", "{reportId, score, grade, findings, contentSha256, links}", null), ("400", "Malformed request", "Problem"),
                    ("403", "Tenure outside the key's scope (decided before anything else, whatever knownAt)", "Problem"), ("404", "Unknown tenure", "Problem"),
                    ("422", "Tenure not ended (ask for an interim audit), ended but interim asked, or not yet recorded at knownAt", "Problem"),
                    ("429", "The client's daily report quota is used up; see Retry-After", "Problem"))),
        },
        ["/api/v1/audits"] = new JsonObject
        {
            ["get"] = Op("Issued reports inside the key's scope, newest first (auditor, investigator)",
                parameters: new JsonArray(QueryParameter("region", "string", "Six-digit code (default: the key's scope)"), QueryParameter("tenureId", "string", "One tenure's reports"),
                    QueryParameter("limit", "int32", "At most 500 (default 100)")),
                responses: Responses(("200", "{reports:[{reportId, tenureId, regionCode, knownAt, highWater, ruleSet, generatedAt, contentSha256}]}", null))),
        },
        ["/api/v1/audits/{reportId}"] = new JsonObject
        {
            ["get"] = Op("An issued report's stored JSON, byte for byte as issued; X-Report-Sha256 and ETag carry its SHA-256 (auditor, investigator)",
                parameters: new JsonArray(PathParameter("reportId")), responses: Responses(("200", "The report", null), ("404", "No such report", "Problem"))),
        },
        ["/api/v1/audits/{reportId}.html"] = new JsonObject
        {
            ["get"] = Op("The report as a printable Chinese HTML page", parameters: new JsonArray(PathParameter("reportId")), responses: Responses(("200", "text/html", null))),
        },
        ["/api/v1/audits/{reportId}.pdf"] = new JsonObject
        {
            ["get"] = Op("The report as an A4 PDF with charts", parameters: new JsonArray(PathParameter("reportId")),
                responses: Responses(("200", "application/pdf", null), ("503", "No CJK font installed on the server", "Problem"))),
        },
        ["/api/v1/audits/{reportId}.xlsx"] = new JsonObject
        {
            ["get"] = Op("The report as a workbook: indicators, water, scores, findings, every evidence row", parameters: new JsonArray(PathParameter("reportId")),
                responses: Responses(("200", "XLSX workbook", null))),
        },
        ["/api/v1/audits/{reportId}/compare"] = new JsonObject
        {
            ["get"] = Op("Regenerate the report at its own knowledge point (reproducible?) and as known now; what changed and which records arrived since",
                parameters: new JsonArray(PathParameter("reportId")),
                responses: Responses(("200", "{reproducible, storedSha256, regeneratedSha256, changed, changes, findings, arrived}", null))),
        },
        ["/api/v1/audit-rule-sets"] = new JsonObject
        {
            ["get"] = Op("The shipped scoring rule sets in full (auditor, investigator)", responses: Responses(("200", "{ruleSets, default}", null))),
        },
        ["/api/v1/investigations/back-dating"] = new JsonObject
        {
            ["get"] = Op("Back-dated records and corrections of a region, with the clients that posted them (investigator)",
                parameters: new JsonArray(QueryParameter("region", "string", "Six-digit code (default: the key's scope)"),
                    QueryParameter("effectiveFrom", "date", "Effective on or after"), QueryParameter("effectiveTo", "date", "Effective on or before"),
                    QueryParameter("minDelayDays", "int32", "Minimum days between effective date and recording (default 30)")),
                responses: Responses(("200", "{backDated, corrections, byClient}", null))),
        },
        ["/api/v1/regions/{code}/balance-sheet/provenance"] = new JsonObject
        {
            ["get"] = Op("The flows and events behind one balance-sheet figure; their amounts sum to it (auditor, investigator)",
                parameters: new JsonArray(PathParameter("code"), QueryParameter("account", "string",
                    "Stock account, redLineEncroachedOpen, or (with year) waterQuota / waterUse / landQuota / landQuotaNewConstruction / landQuotaUsed / landQuotaIllegal"),
                    QueryParameter("year", "int32", "For the water and land-quota accounts: the year of the figure"),
                    QueryParameter("part", "string", "opening, additions, reductions or closing"), QueryParameter("cause", "string", "One cause (optional)"),
                    QueryParameter("from", "date", "Period start"), QueryParameter("to", "date", "Period end"),
                    QueryParameter("knownAt", "date-time", "As known at"),
                    QueryParameter("after", "int64", "Page after this sequence, or the next cursor of the previous page"),
                    QueryParameter("limit", "int32", "Page size, at most 10,000")),
                responses: Responses(("200", "{total, count, flows, next}", null), ("400", "Invalid parameters", "Problem"))),
        },
        ["/api/v1/events"] = new JsonObject
        {
            ["get"] = Op("Search events of a region by type, effective and recorded ranges, client and back-dating delay (investigator)",
                parameters: new JsonArray(QueryParameter("region", "string", "Six-digit code (default: the key's scope)"),
                    QueryParameter("types", "string", "Comma-separated event types"), QueryParameter("client", "string", "Posting client"),
                    QueryParameter("effectiveFrom", "date", "Effective on or after"), QueryParameter("effectiveTo", "date", "Effective on or before"),
                    QueryParameter("recordedFrom", "date-time", "Recorded at or after"), QueryParameter("recordedTo", "date-time", "Recorded at or before"),
                    QueryParameter("minDelayDays", "int32", "Minimum back-dating delay in days"), QueryParameter("after", "int64", "Page after this sequence, or the next cursor of the previous page"),
                    QueryParameter("limit", "int32", "Page size, at most 10,000")),
                responses: Responses(("200", "{events, next}", null), ("400", "Invalid parameters", "Problem"))),
            ["post"] = Op("Append a batch of events atomically (writer)",
                body: Obj(new JsonObject { ["events"] = new JsonObject { ["type"] = "array", ["minItems"] = 1, ["maxItems"] = 1000, ["items"] = Ref("Event") } }, ["events"]),
                responses: Responses(("200", "Every event appended or already present (duplicate)", null), ("400", "Malformed; nothing stored", "Problem"),
                    ("401", "Missing or unknown key", "Problem"), ("403", "Wrong role or region outside scope", "Problem"),
                    ("409", "eventId reused with other content, or expectedVersion mismatch", "Problem"), ("413", "More than 1,000 events or 4 MB", "Problem"),
                    ("422", "Breaks a rule against the ledger's state; nothing stored", "Problem"))),
        },
        ["/api/v1/events/bulk"] = new JsonObject
        {
            ["post"] = WithBody(Op("Append any number of events, one JSON object per line (application/x-ndjson), in atomic chunks of up to 1,000 with the same rules " +
                                  "and idempotency as POST /api/v1/events (writer). The answer streams one NDJSON line per committed chunk " +
                                  "{fromLine, toLine, appended, duplicates} and ends with {done: true, lines, events, appended, duplicates}, or {done: false, …, problem} " +
                                  "naming the lines (lines[N]) that stopped it; chunks acknowledged before stay",
                    responses: Responses(("200", "A stream of progress lines (application/x-ndjson)", null),
                        ("400", "The first chunk is malformed, or the body holds no events; nothing stored", "Problem"),
                        ("403", "Wrong role, or a region outside scope in the first chunk", "Problem"), ("409", "The first chunk reuses an eventId", "Problem"),
                        ("415", "Not application/x-ndjson", "Problem"), ("422", "The first chunk breaks a rule; nothing stored", "Problem"))),
                new JsonObject { ["required"] = true, ["content"] = new JsonObject { ["application/x-ndjson"] = new JsonObject { ["schema"] = Ref("Event") } } }),
        },
        ["/api/v1/streams/{domain}/{key}"] = new JsonObject
        {
            ["get"] = Op("A stream's state, optionally as of an effective date and as known at an instant (auditor, investigator)",
                parameters: StreamParameters(withAsOf: true), responses: Responses(("200", "State", null), ("403", "Outside scope", "Problem"), ("404", "No such stream", "Problem"))),
        },
        ["/api/v1/streams/{domain}/{key}/events"] = new JsonObject
        {
            ["get"] = Op("A stream's history with event id, type, version, sequence, effective date, recorded instant and client, a page at a time: {events, next}",
                parameters: HistoryParameters(), responses: Responses(("200", "History", null), ("400", "Invalid parameters", "Problem"),
                    ("403", "Outside scope", "Problem"), ("404", "No such stream", "Problem"))),
        },
        ["/api/v1/regions/{code}/balance-sheet"] = new JsonObject
        {
            ["get"] = Op("Natural-resource balance sheet of a region (county, prefecture, province or 000000 = nation) for [from, to] as known at knownAt (auditor, investigator)",
                parameters: SheetParameters(QueryParameter("from", "date", "First day of the period (default: 1 January of last year)"),
                    QueryParameter("to", "date", "Last day of the period (default: 31 December of last year)")),
                responses: Responses(("200", "The sheet (JSON, or CSV/XLSX with format)", null), ("400", "Invalid parameters", "Problem"),
                    ("403", "Outside scope", "Problem"), ("404", "Unknown region", "Problem"))),
        },
        ["/api/v1/regions/{code}/balance-sheet/annual"] = new JsonObject
        {
            ["get"] = Op("Calendar-year sheets for [fromYear, toYear]; each opening equals the previous closing (auditor, investigator)",
                parameters: SheetParameters(QueryParameter("fromYear", "int32", "First year (default: toYear - 9)"),
                    QueryParameter("toYear", "int32", "Last year (default: last year)")),
                responses: Responses(("200", "{sheets: [...]} (JSON, or CSV/XLSX with format)", null), ("400", "Invalid parameters", "Problem"))),
        },
        ["/api/v1/admin/keys"] = new JsonObject
        {
            ["post"] = Op("Issue an API key (admin); the key is returned once",
                body: Obj(new JsonObject
                {
                    ["name"] = Str(), ["role"] = new JsonObject { ["enum"] = new JsonArray("writer", "auditor", "investigator", "admin") },
                    ["scope"] = Str("Six-digit region code; 000000 = the nation"),
                }, ["name", "role", "scope"]),
                responses: Responses(("201", "Issued: {id, key}", null), ("400", "Invalid", "Problem"),
                    ("403", "Not an admin, or the scope is not inside the admin's own", "Problem"), ("409", "The name (or a look-alike) is taken or reserved", "Problem"))),
        },
        ["/api/v1/admin/keys/{id}"] = new JsonObject
        {
            ["delete"] = Op("Revoke an API key (admin)",
                parameters: new JsonArray(PathParameter("id")), responses: Responses(("204", "Revoked", null), ("403", "Key outside the admin's scope", "Problem"),
                    ("404", "Unknown key", "Problem"))),
        },
    };

    private static JsonObject Op(string summary, JsonObject? body = null, JsonArray? parameters = null, JsonObject? responses = null, bool security = true)
    {
        var op = new JsonObject { ["summary"] = summary };
        if (!security) op["security"] = new JsonArray();
        if (parameters is not null) op["parameters"] = parameters;
        if (body is not null)
            op["requestBody"] = new JsonObject { ["required"] = true, ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = body } } };
        op["responses"] = responses ?? new JsonObject();
        return op;
    }

    private static JsonObject Responses(params (string Status, string Description, string? Schema)[] responses)
    {
        var o = new JsonObject();
        foreach (var (status, description, schema) in responses)
        {
            var r = new JsonObject { ["description"] = description };
            if (schema is not null)
                r["content"] = new JsonObject { ["application/problem+json"] = new JsonObject { ["schema"] = Ref(schema) } };
            o[status] = r;
        }
        return o;
    }

    private static JsonArray StreamParameters(bool withAsOf)
    {
        var list = new JsonArray(PathParameter("domain", "region, tenure, farmland, redline, mining, water or landquota"), PathParameter("key"));
        if (withAsOf) list.Add(QueryParameter("asOf", "date", "Only events effective on or before this date"));
        list.Add(QueryParameter("knownAt", "date-time", "Only events recorded at or before this instant"));
        return list;
    }

    private static JsonArray HistoryParameters()
    {
        var list = StreamParameters(withAsOf: false);
        list.Add(QueryParameter("afterVersion", "int32", "Events after this stream version (default 0: from the start)"));
        list.Add(QueryParameter("limit", "int32", "At most this many events, 1-1000 (default 1000); next links the following page"));
        return list;
    }

    private static JsonArray SheetParameters(JsonObject first, JsonObject second) => new(
        PathParameter("code", "Six-digit GB/T 2260 code; 000000 = the nation"), first, second,
        QueryParameter("knownAt", "date-time", "The sheet as it could be read at this instant (default: now)"),
        new JsonObject
        {
            ["name"] = "format", ["in"] = "query", ["required"] = false,
            ["schema"] = new JsonObject { ["enum"] = new JsonArray("json", "csv", "xlsx") },
        });

    private static JsonObject PathParameter(string name, string? description = null) =>
        new() { ["name"] = name, ["in"] = "path", ["required"] = true, ["schema"] = Str(description) };

    private static JsonObject QueryParameter(string name, string format, string description) => new()
    {
        ["name"] = name, ["in"] = "query", ["required"] = false, ["description"] = description,
        ["schema"] = format switch
        {
            "int32" or "int64" => new JsonObject { ["type"] = "integer", ["format"] = format },
            "string" => Str(),
            _ => Str(null, format),
        },
    };

    private static JsonObject Ref(string schema) => new() { ["$ref"] = $"#/components/schemas/{schema}" };
}
