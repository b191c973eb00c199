using System.Collections.Concurrent;
using Ledger.Ingest;
using Ledger.Regions;
using Ledger.Storage;
using Marten;
using NodaTime;
using Npgsql;

namespace Ledger.Api.Hosting;

/// <summary>
/// One database of the ledger, as the runtime role: the catalogue (<c>LEDGER_DB</c>: keys, reports,
/// sessions, and every province no shard lists) or a shard. Each holds its own events, flows, index,
/// hash chain and checkpoints.
/// </summary>
public sealed record LedgerShard(string Name, IReadOnlyList<string> Provinces, NpgsqlDataSource Db, IDocumentStore Store, Ingestor Ingestor);

/// <summary>
/// Which database holds which province (contract 1.2). Without <c>LEDGER_SHARDS_FILE</c> there is
/// only the catalogue and every lookup answers it, so the single-database ledger is unchanged.
/// </summary>
public sealed class Topology : IAsyncDisposable, IIngestRouting
{
    private readonly Dictionary<string, LedgerShard> _byProvince = [];
    private readonly List<NpgsqlDataSource> _owned = [];
    private readonly ConcurrentDictionary<string, StartingShard> _waiting = new();

    public Topology(LedgerShard catalogue, IReadOnlyList<StartingShard> shards, IClock clock, Chain.LogKeys? logKeys = null)
    {
        Catalogue = catalogue;
        var list = new List<LedgerShard>();
        foreach (var starting in shards)
        {
            var (spec, runtime) = (starting.Spec, starting.Runtime);
            // A store per shard database with the ledger's one configuration (docs/decisions.md, 38).
            var store = LedgerStore.Create(runtime);
            var shard = new LedgerShard(spec.Name, spec.Provinces, runtime, store, new Ingestor(store, runtime, clock, logKeys?.SignerIfEnabled(spec.Name)));
            list.Add(shard);
            _owned.Add(runtime);
            foreach (var p in spec.Provinces) _byProvince[p] = shard;
            if (starting.Waiting is not null) _waiting[spec.Name] = starting;
        }
        Shards = list;
    }

    /// <summary>Shards that did not answer when this node started: their schema is not checked yet, so nothing reads or writes them.</summary>
    public IReadOnlyList<StartingShard> Waiting => [.. _waiting.Values];

    /// <summary>
    /// The refusal for a database this node has not prepared yet; null when it may be used. Its text is
    /// shown to anyone (readiness): why it did not answer names its address, so that stays in the log.
    /// </summary>
    public ShardUnavailableException? NotPrepared(LedgerShard d) =>
        _waiting.ContainsKey(d.Name)
            ? new ShardUnavailableException(d, new InvalidOperationException("it did not answer when this node started and is not prepared yet"))
            : null;

    /// <summary>Applies the schema to each waiting shard that answers now; returns those now in service.</summary>
    public async Task<IReadOnlyList<StartingShard>> PrepareWaitingAsync()
    {
        var ready = new List<StartingShard>();
        foreach (var w in _waiting.Values)
        {
            try
            {
                await w.Waiting!.MigrateAsync();
            }
            catch (Exception e) when (StartingShard.NotAnsweringYet(e))
            {
                continue;
            }
            if (_waiting.TryRemove(w.Spec.Name, out _))
            {
                await w.Waiting.Owner.DisposeAsync();
                ready.Add(w);
            }
        }
        return ready;
    }

    public LedgerShard Catalogue { get; }

    /// <summary>The shards of <c>LEDGER_SHARDS_FILE</c>, without the catalogue.</summary>
    public IReadOnlyList<LedgerShard> Shards { get; }

    public bool Sharded => Shards.Count > 0;

    /// <summary>Every database: the catalogue first.</summary>
    public IReadOnlyList<LedgerShard> All => [Catalogue, .. Shards];

    /// <summary>
    /// The database that stores events of <paramref name="regionCode"/>'s province. One this node
    /// has not prepared yet is a <see cref="ShardUnavailableException"/> (503 naming it).
    /// </summary>
    public LedgerShard For(string regionCode) => Usable(Route(regionCode));

    /// <summary>Where <paramref name="regionCode"/>'s province is stored, whether or not this node can use that database now.</summary>
    public LedgerShard Route(string regionCode) =>
        regionCode.Length >= 2 && _byProvince.TryGetValue(regionCode[..2], out var shard) ? shard : Catalogue;

    (string Database, Ingestor Ingestor) IIngestRouting.For(string regionCode)
    {
        var database = For(regionCode);
        return (database.Name, database.Ingestor);
    }

    /// <summary>
    /// The databases a region's figures are in: its province's one, or every one for the nation.
    /// Whether each may be used now is asked by whoever reads it (<see cref="EachAsync{T}"/>,
    /// <see cref="Usable"/>), after the key's scope: a key learns nothing of databases outside it.
    /// </summary>
    public IReadOnlyList<LedgerShard> Holding(string regionCode) =>
        RegionCodes.Prefix(regionCode).Length >= 2 ? [Route(regionCode)] : All;

    /// <summary>For a caller about to use a database it took from <see cref="All"/> or <see cref="Shards"/>.</summary>
    public LedgerShard Usable(LedgerShard d) => NotPrepared(d) is { } waiting ? throw waiting : d;

    /// <summary>
    /// The database holding a stream: looked up in every database at once (a key need not say its
    /// province). The catalogue when no database has it, so the caller answers 404 as before.
    /// </summary>
    public async Task<LedgerShard> LocateStreamAsync(string streamId, CancellationToken ct)
    {
        if (!Sharded) return Catalogue;
        var found = await Task.WhenAll(All.Select(async d =>
        {
            Usable(d);
            try
            {
                await using var cmd = d.Db.CreateCommand($"select exists (select 1 from {LedgerStore.Schema}.mt_streams where id = $1)");
                cmd.Parameters.Add(new NpgsqlParameter { Value = streamId });
                return (d, has: (bool)(await cmd.ExecuteScalarAsync(ct))!);
            }
            catch (Exception e) when (Unreachable(e))
            {
                // The stream might be the missing database's: say which is down rather than answer 404.
                throw new ShardUnavailableException(d, e);
            }
        }));
        return found.FirstOrDefault(f => f.has).d ?? Catalogue;
    }

    /// <summary>
    /// Runs <paramref name="read"/> on each database at once (with its place in the list). With
    /// shards, one that does not answer is a <see cref="ShardUnavailableException"/> naming it: a
    /// national answer without it would be short, so none is given.
    /// </summary>
    public async Task<T[]> EachAsync<T>(IReadOnlyList<LedgerShard> databases, Func<LedgerShard, int, Task<T>> read) =>
        await Task.WhenAll(databases.Select(async (d, i) =>
        {
            Usable(d);
            try
            {
                return await read(d, i);
            }
            catch (Exception e) when (Sharded && Unreachable(e))
            {
                throw new ShardUnavailableException(d, e);
            }
        }));

    /// <summary>
    /// A database that did not answer, however the caller wrapped it (Marten wraps Npgsql's exceptions in its own).
    /// A statement the server refused (a bug, a constraint) is not a database that is down: only
    /// connection failures (08), shutdowns (57P) and exhausted resources (53) count among server errors.
    /// </summary>
    public static bool Unreachable(Exception e) =>
        e is PostgresException pg ? pg.SqlState.StartsWith("08") || pg.SqlState.StartsWith("57P") || pg.SqlState.StartsWith("53")
        : e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException || (e.InnerException is { } inner && Unreachable(inner));

    public async ValueTask DisposeAsync()
    {
        foreach (var s in Shards) await s.Store.DisposeAsync();
        foreach (var d in _owned) await d.DisposeAsync();
        foreach (var w in _waiting.Values) await w.Waiting!.Owner.DisposeAsync();
    }

    /// <summary>
    /// Reads <c>LEDGER_SHARDS_FILE</c> when set, applies the schema and the runtime role's rights to
    /// every shard as its owner, and returns the shards' runtime data sources. Nothing when unset.
    /// A shard that does not answer does not stop the start: the other provinces are served and it
    /// waits (<see cref="StartingShard.Waiting"/>) until it answers. One that answers with an error
    /// (a wrong password, a missing database) refuses the start: that is a mistake to fix, not wait out.
    /// </summary>
    public static async Task<IReadOnlyList<StartingShard>> PrepareShardsAsync(IConfiguration config, LedgerDatabase catalogue)
    {
        if (config["LEDGER_SHARDS_FILE"] is not { Length: > 0 } file) return [];
        var specs = ShardsFile.Read(file, catalogue.Owner.ConnectionString);
        var prepared = new List<StartingShard>();
        foreach (var spec in specs)
        {
            var database = LedgerDatabase.For(spec.Name, spec.Connection, config, embedded: null, givenApp: null);
            try
            {
                await database.MigrateAsync();
            }
            catch (Exception e) when (StartingShard.NotAnsweringYet(e))
            {
                prepared.Add(new StartingShard(spec, database.Runtime, database, e.Message));
                continue;
            }
            catch (NpgsqlException e)
            {
                await database.Owner.DisposeAsync();
                throw new StartupRefusedException($"shard {spec.Name} (provinces {string.Join(", ", spec.Provinces)}) cannot be prepared: {e.Message}");
            }
            await database.Owner.DisposeAsync();
            prepared.Add(new StartingShard(spec, database.Runtime, null, null));
        }
        return prepared;
    }
}

/// <summary>A shard as the start found it: prepared, or <see cref="Waiting"/> (its owner's database, to prepare once it answers).</summary>
public sealed record StartingShard(ShardSpec Spec, NpgsqlDataSource Runtime, LedgerDatabase? Waiting, string? Why)
{
    /// <summary>
    /// No answer (a host name that does not resolve — a bare <see cref="System.Net.Sockets.SocketException"/>
    /// from Npgsql —, a refused or timed-out connection), or "not now" (starting up, shutting down, too many
    /// connections): worth waiting for. Any other answer from the server is a mistake to fix.
    /// </summary>
    public static bool NotAnsweringYet(Exception e) => Answer(e) is { } pg
        ? pg.SqlState is "57P03" or "57P01" or "53300" || pg.SqlState.StartsWith("08", StringComparison.Ordinal)
        : Topology.Unreachable(e);

    /// <summary>What the server said, however the caller wrapped it (Marten wraps Npgsql's exceptions).</summary>
    private static PostgresException? Answer(Exception? e) => e switch
    {
        null => null,
        PostgresException pg => pg,
        _ => Answer(e.InnerException),
    };
}
