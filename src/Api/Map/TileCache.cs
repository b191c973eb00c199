using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using Ledger.Api.Hosting;
using Ledger.Spatial;
using Microsoft.Extensions.Caching.Memory;

namespace Ledger.Api.Map;

/// <summary>
/// Tiles of zoom <see cref="MaxZoom"/> and below (a tile of a province or more: the costly ones, and
/// few) kept in memory, keyed by region, layers, asOf, z/x/y and what each database read had
/// recorded by <c>knownAt</c> (<see cref="KnowledgePoint"/>). An entry is never stale: a new append
/// changes the key of every "now" tile, not the entry. At most <c>LEDGER_TILE_CACHE_MB</c>
/// (default 64) of tiles; past that the least recently used go first. Requests that miss on a tile
/// another request is already reading wait for that read rather than read it again (after an append
/// every "now" tile misses at once, and a workbench full of people looks at the same few).
/// </summary>
public sealed class TileCache : IDisposable
{
    public const int MaxZoom = 7;
    private const int EntryOverhead = 256; // the key, the entry and the cache's bookkeeping, roughly

    private readonly MemoryCache _tiles;
    private readonly Counter<long> _lookups;
    private readonly ConcurrentDictionary<string, Task<byte[]>> _reading = new(StringComparer.Ordinal);
    private long _hits, _shared;
    private int _waiting;

    public TileCache(IConfiguration config, LedgerMetrics metrics)
    {
        var mb = Ledger.Storage.OperatorSettings.TileCacheMb.Long(n => config[n]);
        _tiles = new MemoryCache(new MemoryCacheOptions { SizeLimit = Math.Max(1, mb * 1024 * 1024) });
        _lookups = metrics.Meter.CreateCounter<long>("ledger.map.tile_cache", "{tile}", "Low-zoom tile requests, by result: hit (from memory), miss (read from the database) or shared (waited for another request's read of it)");
    }

    /// <summary>Tiles answered from memory since start (tests read it).</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Tiles answered by waiting for another request's read of the same tile, since start (tests read it).</summary>
    public long Shared => Interlocked.Read(ref _shared);

    /// <summary>Reads of a missed tile under way now.</summary>
    public int Reading => _reading.Count;

    /// <summary>Requests waiting now for another request's read of their tile.</summary>
    public int Waiting => Volatile.Read(ref _waiting);

    public static bool Caches(int z) => z <= MaxZoom;

    public static string Key(MapRequest request, int z, int x, int y, IEnumerable<KnowledgePoint> known) => string.Create(CultureInfo.InvariantCulture,
        $"{request.Region}|{string.Join(',', request.Layers.Distinct().Order(StringComparer.Ordinal))}|{request.AsOf:uuuu-MM-dd}|{z}/{x}/{y}|{string.Join(';', known)}");

    /// <summary>The tile from memory; counted as a hit. A miss is counted by <see cref="ReadOnceAsync"/>, which must follow it.</summary>
    public bool TryGet(string key, out byte[] tile)
    {
        var hit = _tiles.TryGetValue(key, out byte[]? found);
        if (hit)
        {
            Interlocked.Increment(ref _hits);
            Count("hit");
        }
        tile = found ?? [];
        return hit;
    }

    private void Count(string result) => _lookups.Add(1, new KeyValuePair<string, object?>("result", result));

    private void Add(string key, byte[] tile) =>
        _tiles.Set(key, tile, new MemoryCacheEntryOptions { Size = tile.Length + key.Length * 2 + EntryOverhead });

    /// <summary>
    /// The tile looked up as <paramref name="key"/>, read once however many requests missed on it together. The read returns the
    /// tile and the key it is kept under (what its own snapshot knew, which may be newer than the key looked up).
    /// </summary>
    public async Task<byte[]> ReadOnceAsync(string key, Func<Task<(byte[] Tile, string Key)>> read, CancellationToken ct)
    {
        var mine = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        var pending = _reading.GetOrAdd(key, mine.Task);
        if (pending != mine.Task)
        {
            if (await WaitForAsync(pending, ct) is { } shared)
            {
                Interlocked.Increment(ref _shared);
                Count("shared");
                return shared;
            }
            // The request reading it went away and its read was cancelled: this one reads for itself.
            Count("miss");
            return await ReadAndKeepAsync(read);
        }
        Count("miss");
        try
        {
            var tile = await ReadAndKeepAsync(read);
            mine.SetResult(tile);
            return tile;
        }
        catch (Exception e)
        {
            mine.SetException(e);
            _ = mine.Task.Exception; // observed: nobody may have been waiting
            throw;
        }
        finally
        {
            _reading.TryRemove(new KeyValuePair<string, Task<byte[]>>(key, mine.Task));
        }
    }

    /// <summary>
    /// Another request's read of the tile; null when that read was cancelled (its client went away). A read that failed
    /// otherwise (the timeout) fails for everyone who waited on it: reading again would double the load that caused it.
    /// </summary>
    private async Task<byte[]?> WaitForAsync(Task<byte[]> pending, CancellationToken ct)
    {
        Interlocked.Increment(ref _waiting);
        try
        {
            return await pending.WaitAsync(ct);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return null;
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
    }

    private async Task<byte[]> ReadAndKeepAsync(Func<Task<(byte[] Tile, string Key)>> read)
    {
        var (tile, key) = await read();
        Add(key, tile);
        return tile;
    }

    public void Dispose() => _tiles.Dispose();
}
