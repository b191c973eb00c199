using System.Globalization;
using Ledger.Access;
using Ledger.Api.Access;
using Ledger.Api.Hosting;
using Ledger.Api.Http;
using Ledger.Chain;
using Ledger.Ingest;
using Wolverine.Http;

namespace Ledger.Api.Investigations;

/// <summary>
/// Contract 1.6: an event's canonical text, the exact bytes the chain hashes and whose SHA-256 is the
/// last line of the event's log entry, so whoever holds a receipt or a proof can see what an entry
/// stands for. It is the event's content, so unlike the log it is for auditors and investigators
/// within their scope; it does not need the log (the chain hashes the same text either way).
/// </summary>
public static class CanonicalEndpoint
{
    [WolverineGet("/api/v1/ledger/events/{sequence}/canonical")]
    public static async Task<IResult> Canonical(HttpContext http, string sequence, Topology topology, LogKeys keys, CancellationToken ct)
    {
        if (http.Require(Role.Auditor) is { } denied) return denied;
        if (!long.TryParse(sequence, NumberStyles.None, CultureInfo.InvariantCulture, out var seq) || seq < 1)
            return Problems.Validation(http, [new ItemError("sequence", "must be an event's sequence, a whole number from 1, as the ledger's other answers report it")]);
        var client = http.Client();
        // By default the database holding the key's own province (the catalogue for a national key), as region reads resolve it.
        var name = http.Request.Query["database"].ToString();
        var database = name.Length == 0 ? (client.IsNational ? topology.Catalogue : topology.Route(client.Scope)) : topology.All.FirstOrDefault(d => d.Name == name);
        if (database is null)
            return Problems.NotFound(http, $"no database '{BatchParser.Clip(name)}'; one of {string.Join(", ", topology.All.Select(d => d.Name))}");
        // Scope before anything about the event: a database that cannot hold the key's province holds nothing it may read.
        if (!client.IsNational && topology.Route(client.Scope) != database)
            return Problems.Forbidden(http, $"database {database.Name} holds no region inside the scope {client.Scope} of client '{client.Name}'");
        if (topology.NotPrepared(database) is { } waiting) return waiting.Problem(http);

        var found = (await CanonicalTexts.ReadAsync(database.Db, [seq], ct)).SingleOrDefault();
        if (found is null) return Problems.NotFound(http, $"database {database.Name} has no event of sequence {seq}");
        if (!client.CanSee(found.RegionCode))
            return Problems.Forbidden(http, $"event {seq} of {database.Name} is outside the scope {client.Scope} of client '{client.Name}'");

        var headers = http.Response.Headers;
        headers["X-Database"] = database.Name;
        headers["X-Event-Id"] = found.EventId.ToString("D");
        headers["X-Chain-Position"] = found.Position.ToString(CultureInfo.InvariantCulture);
        if (keys.Enabled) headers["X-Log-Index"] = found.Entry.Index.ToString(CultureInfo.InvariantCulture);
        headers["X-Canonical-Sha256"] = found.Entry.CanonicalTextHash.ToBase64();
        return Results.Bytes(found.Text, "text/plain; charset=utf-8");
    }
}
