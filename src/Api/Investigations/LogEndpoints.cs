using System.Diagnostics;
using System.Text;
using Ledger.Api.Hosting;
using Ledger.Api.Http;
using Ledger.Chain;
using Ledger.Ingest;
using Ledger.Transparency;
using Wolverine.Http;

namespace Ledger.Api.Investigations;

/// <summary>
/// Contract 1.6: each database's transparency log in the C2SP formats, for any valid key (the
/// log holds hashes and event ids, not content): the logs and their verifier keys, the
/// checkpoint, tiles and entry bundles (immutable once served), inclusion and consistency proofs.
/// </summary>
public static class LogEndpoints
{
    private const string Text = "text/plain; charset=utf-8";

    [WolverineGet("/api/v1/ledger/logs")]
    public static async Task<IResult> Logs(HttpContext http, Topology topology, LogKeys keys, WitnessConfig witnesses, CancellationToken ct)
    {
        if (!keys.Enabled) return Off(http);
        var logs = new List<object>();
        foreach (var d in topology.All)
        {
            var size = topology.NotPrepared(d) is null ? (await new LogReader(d.Db).CheckpointAsync(null, ct))?.Size ?? 0 : (long?)null;
            logs.Add(new { database = d.Name, origin = keys.Origin(d.Name), verifierKey = keys.SignerFor(d.Name).VerifierKey.ToString(), size });
        }
        return Results.Json(new
        {
            logs,
            witnesses = witnesses.Policy.Witnesses.Select(w => new { name = w.Name, verifierKey = w.Key.ToString() }),
            policy = LogPolicy.Text(topology, keys, witnesses),
        }, LedgerJson.Options);
    }

    [WolverineGet("/api/v1/ledger/logs/{database}/checkpoint")]
    public static async Task<IResult> Checkpoint(HttpContext http, string database, Topology topology, CancellationToken ct)
    {
        if (Find(http, database, topology, out var log) is { } missing) return missing;
        http.Response.Headers.CacheControl = "no-cache";
        return await log!.ServedCheckpointAsync(ct) is { } c
            ? Results.Text(c.Note, Text)
            : Problems.NotFound(http, http.RequestServices.GetRequiredService<WitnessConfig>().Policy.NeedsCosignatures
                ? $"no checkpoint of the log of {database} meets the witness policy yet (its witnesses have not cosigned one)"
                : $"the log of {database} has no checkpoint yet (it is being built, or the database holds no event)");
    }

    /// <summary>C2SP tlog-tiles: <c>tile/{L}/{N}[.p/{W}]</c> and <c>tile/entries/{N}[.p/{W}]</c>; a served tile never changes.</summary>
    [WolverineGet("/api/v1/ledger/logs/{database}/tile/{*path}")]
    public static async Task<IResult> Tile(HttpContext http, string database, string path, Topology topology, CancellationToken ct)
    {
        if (Find(http, database, topology, out var log) is { } missing) return missing;
        if (!TilePath.TryParse("tile/" + path, out var tile))
            return Problems.Validation(http, [new ItemError("path", $"'tile/{BatchParser.Clip(path)}' is not a tlog-tiles path (tile/L/N[.p/W] or tile/entries/N[.p/W], N as x001/x234/067)")]);
        if (await log!.TileAsync(tile, ct) is not { } data)
            return Problems.NotFound(http, $"the log of {database} has no {tile.Path} (not yet full, or no checkpoint has that width)");
        http.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        return Results.Bytes(data, "application/octet-stream");
    }

    [WolverineGet("/api/v1/ledger/logs/{database}/proof/inclusion")]
    public static async Task<IResult> Inclusion(HttpContext http, string database, Topology topology, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        if (Find(http, database, topology, out var log) is { } missing) return missing;
        var q = new QueryParameters(http);
        var index = q.Long("index", 0, long.MaxValue - 1);
        var size = q.Long("size", 1, long.MaxValue);
        if (index is null && q.Errors.Count == 0) q.Errors.Add(new ItemError("index", "is required: the entry's zero-based index (its chain sequence − 1)"));
        if (q.Errors.Count > 0) return Problems.Validation(http, q.Errors);
        var timing = new ServerTiming(started);
        timing.Mark("check");
        var (checkpoint, inclusion) = await log!.InclusionAsync(index!.Value, size, ct);
        timing.Mark("read");
        if (checkpoint is null)
            return Problems.NotFound(http, size is null ? $"the log of {database} has no checkpoint yet" : $"the log of {database} has signed no checkpoint of size {size}");
        if (inclusion is null)
            return Problems.Validation(http, [new ItemError("index", $"must be less than the size {checkpoint.Size}")]);
        var text = new TlogProof(inclusion.Entry, inclusion.Index, inclusion.Proof, SignedNote.Parse(checkpoint.Note)).ToString();
        timing.Mark("text");
        http.Response.Headers["Server-Timing"] = timing.ToString();
        return Results.Text(text, Text);
    }

    /// <summary>RFC 6962 §2.1.2: one base64 hash per line, between two sizes the log has checkpointed.</summary>
    [WolverineGet("/api/v1/ledger/logs/{database}/proof/consistency")]
    public static async Task<IResult> Consistency(HttpContext http, string database, Topology topology, CancellationToken ct)
    {
        if (Find(http, database, topology, out var log) is { } missing) return missing;
        var q = new QueryParameters(http);
        var from = q.Long("from", 1, long.MaxValue);
        var to = q.Long("to", 1, long.MaxValue);
        if (q.Errors.Count == 0 && (from is null || to is null)) q.Errors.Add(new ItemError(from is null ? "from" : "to", "is required: a size the log has checkpointed"));
        if (q.Errors.Count == 0 && from > to) q.Errors.Add(new ItemError("from", "must not be more than to"));
        if (q.Errors.Count > 0) return Problems.Validation(http, q.Errors);
        foreach (var size in new[] { from!.Value, to!.Value })
            if (await log!.CheckpointAsync(size, ct) is null) return Problems.NotFound(http, $"the log of {database} has signed no checkpoint of size {size}");
        var proof = await log!.ConsistencyAsync(from.Value, to.Value, ct);
        return Results.Text(string.Concat(proof.Select(h => h.ToBase64() + "\n")), Text);
    }

    internal static IResult Off(HttpContext http) =>
        Problems.NotFound(http, "this ledger keeps no transparency log (its operator set LEDGER_LOG=0); see docs/transparency-log.md");

    private static IResult? Find(HttpContext http, string database, Topology topology, out LogReader? log)
    {
        log = null;
        if (!http.RequestServices.GetRequiredService<LogKeys>().Enabled) return Off(http);
        if (topology.All.FirstOrDefault(d => d.Name == database) is not { } d)
            return Problems.NotFound(http, $"no database '{BatchParser.Clip(database)}'; GET /api/v1/ledger/logs lists them");
        if (topology.NotPrepared(d) is { } waiting) return waiting.Problem(http);
        log = new LogReader(d.Db, http.RequestServices.GetRequiredService<WitnessConfig>().Policy);
        return null;
    }
}
