using System.Text.Json;
using Ledger.Access;
using Ledger.Api.Access;
using Ledger.Api.Http;
using Ledger.Chain;
using Ledger.Ingest;
using NodaTime;
using Wolverine.Http;

namespace Ledger.Api.Investigations;

public static class LedgerEndpoints
{
    /// <summary>
    /// Recomputes the tamper-evidence chain against the event rows and the signed checkpoints,
    /// and checks the derived tables (totals, stream states and versions, flows, targets, index) against the events.
    /// </summary>
    [WolverineGet("/api/v1/ledger/verify")]
    public static async Task<IResult> Verify(HttpContext http, VerifyRunner verifier, CancellationToken ct)
    {
        if (http.Require(Role.Investigator) is { } denied) return denied;
        var result = await verifier.RunAsync(ct);
        return Results.Json(Shape(await verifier.ForAsync(http.Client(), result, ct)), LedgerJson.Options);
    }

    /// <summary>Verifies against checkpoints kept outside the database, posted as exported by GET /api/v1/ledger/checkpoints.</summary>
    [WolverinePost("/api/v1/ledger/verify")]
    public static async Task<IResult> VerifyAgainst(HttpContext http, VerifyRunner verifier, Hosting.Topology topology, CancellationToken ct)
    {
        if (http.Require(Role.Investigator) is { } denied) return denied;
        var (doc, problem) = await RequestBody.ReadAsync(http, ct);
        if (problem is not null) return problem;
        using var _ = doc;
        List<Checkpoint> external;
        try
        {
            external = CheckpointJson.Parse(doc!.RootElement.GetProperty("checkpoints"));
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException or NodaTime.Text.UnparsableValueException)
        {
            return Problems.Validation(http, [new ItemError("checkpoints",
                "must be an array of {position, hash (hex), signedAt (ISO instant), signature (base64)} as exported")]);
        }
        // With shards, "database" names whose exported checkpoints these are (default: the catalogue's).
        var database = topology.Catalogue;
        if (doc.RootElement.TryGetProperty("database", out var named))
        {
            var name = named.ValueKind == JsonValueKind.String ? named.GetString() : null;
            if (topology.All.FirstOrDefault(d => d.Name == name) is not { } found)
                return Problems.Validation(http, [new ItemError("database", $"must be one of {string.Join(", ", topology.All.Select(d => d.Name))}")]);
            database = found;
        }
        var result = await verifier.RunAgainstAsync(external, database.Name, ct);
        return Results.Json(Shape(await verifier.ForAsync(http.Client(), result, ct)), LedgerJson.Options);
    }

    [WolverineGet("/api/v1/ledger/checkpoints")]
    public static async Task<IResult> Checkpoints(HttpContext http, CheckpointWriter writer, CheckpointSigner signer, Hosting.Topology topology,
        IClock clock, CancellationToken ct)
    {
        if (http.Require(Role.Investigator) is { } denied) return denied;
        // With shards, ?database=NAME exports that database's own checkpoints (default: the catalogue's).
        var name = http.Request.Query["database"].ToString();
        var database = name.Length == 0 ? topology.Catalogue : topology.All.FirstOrDefault(d => d.Name == name);
        if (database is null)
            return Problems.Validation(http, [new ItemError("database", $"'{BatchParser.Clip(name)}' is not one of {string.Join(", ", topology.All.Select(d => d.Name))}")]);
        var all = database == topology.Catalogue ? await writer.AllAsync(ct) : await new CheckpointWriter(database.Db, signer, clock).AllAsync(ct);
        return Results.Json(new { publicKey = signer.PublicKeyPem(), checkpoints = all.Select(CheckpointJson.Of) }, LedgerJson.Options);
    }

    /// <summary>
    /// The national checkpoints (issue 12): each signs the Merkle root of every database's chain
    /// head; <c>message</c> is the signed text, checkable with the public key alone.
    /// </summary>
    [WolverineGet("/api/v1/ledger/national-checkpoints")]
    public static async Task<IResult> NationalCheckpointList(HttpContext http, Hosting.Topology topology, CheckpointSigner signer, CancellationToken ct)
    {
        if (http.Require(Role.Investigator) is { } denied) return denied;
        var all = await NationalCheckpoints.AllAsync(topology.Catalogue.Db, ct);
        return Results.Json(new
        {
            publicKey = signer.PublicKeyPem(),
            checkpoints = all.Select(n => new
            {
                signedAt = n.SignedAt, root = Convert.ToHexStringLower(n.Root), message = n.Message, signature = Convert.ToBase64String(n.Signature),
                heads = n.Heads.Select(h => new { database = h.Shard, position = h.Position, hash = Convert.ToHexStringLower(h.Hash) }),
            }),
        }, LedgerJson.Options);
    }

    /// <summary>Signs a checkpoint of the chain head now (investigator or admin).</summary>
    [WolverinePost("/api/v1/ledger/checkpoints")]
    public static async Task<IResult> Checkpoint(HttpContext http, CheckpointWriter writer, RollbackGuard rollback, CheckpointService shards,
        CancellationToken ct)
    {
        var client = http.Client();
        if (!client.Has(Role.Investigator) && client.Role != Role.Admin)
            return Problems.Forbidden(http, $"client '{client.Name}' may not sign checkpoints; investigators and admins may");
        if ((await rollback.CheckNowAsync(ct)).Blocks)
            return Problems.Of(http, 409, "The chain is behind or forked from the trusted checkpoint", rollback.Current.Explanation);
        var checkpoint = await writer.WriteAsync(ct);
        if (checkpoint is not null) await rollback.RecordAsync(checkpoint, ct);
        // With shards every database's head is signed too, and a national checkpoint over them all.
        var others = (await shards.SignShardsAsync(ct))
            .Select(s => new { database = s.Shard, created = s.Signed is not null, checkpoint = s.Signed is null ? null : CheckpointJson.Of(s.Signed) }).ToList();
        return checkpoint is null
            ? Results.Json(new { created = false, reason = "the chain is empty or its head already has a checkpoint", shards = others }, LedgerJson.Options)
            : Results.Json(new { created = true, checkpoint = CheckpointJson.Of(checkpoint), shards = others }, LedgerJson.Options, statusCode: 201);
    }

    /// <summary><c>scope</c> is set when counts and problems were cut to the caller's scope (see <see cref="VerifyRunner.ForAsync"/>).</summary>
    private static object Shape(ScopedVerifyResult r) => new
    {
        ok = r.Ok,
        eventsChecked = r.EventsChecked,
        firstBrokenSequence = r.FirstBrokenSequence,
        checkpointsChecked = r.Whole.CheckpointsChecked,
        // table: the derived table that differs from the events; null for a problem of the chain itself.
        problems = r.Problems.Select(p => new { sequence = p.Sequence, what = p.What, table = p.Table }),
        scope = r.Scope,
        // Contract 1.2: each database's own verdict; a single-database ledger has one, the catalogue.
        shards = r.Shards.Select(s => new
        {
            name = s.Name, ok = s.Result.Ok, eventsChecked = s.Result.EventsChecked, firstBrokenSequence = s.Result.FirstBrokenSequence,
        }),
    };
}
