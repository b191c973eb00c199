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
/// (default 64) of tiles; past that the least recently used go first.
/// </summary>
public sealed class TileCache : IDisposable
{
    public const int MaxZoom = 7;
    private const int EntryOverhead = 256; // the key, the entry and the cache's bookkeeping, roughly

    private readonly MemoryCache _tiles;
    private readonly Counter<long> _lookups;
    private long _hits;

    public TileCache(IConfiguration config, LedgerMetrics metrics)
    {
        var mb = Ledger.Storage.OperatorSettings.TileCacheMb.Long(n => config[n]);
        _tiles = new MemoryCache(new MemoryCacheOptions { SizeLimit = Math.Max(1, mb * 1024 * 1024) });
        _lookups = metrics.Meter.CreateCounter<long>("ledger.map.tile_cache", "{tile}", "Low-zoom tile requests, by result: hit (from memory) or miss (read from the database)");
    }

    /// <summary>Tiles answered from memory since start (tests read it).</summary>
    public long Hits => Interlocked.Read(ref _hits);

    public static bool Caches(int z) => z <= MaxZoom;

    public static string Key(MapRequest request, int z, int x, int y, IEnumerable<KnowledgePoint> known) => string.Create(CultureInfo.InvariantCulture,
        $"{request.Region}|{string.Join(',', request.Layers.Distinct().Order(StringComparer.Ordinal))}|{request.AsOf:uuuu-MM-dd}|{z}/{x}/{y}|{string.Join(';', known)}");

    public bool TryGet(string key, out byte[] tile)
    {
        var hit = _tiles.TryGetValue(key, out byte[]? found);
        if (hit) Interlocked.Increment(ref _hits);
        _lookups.Add(1, new KeyValuePair<string, object?>("result", hit ? "hit" : "miss"));
        tile = found ?? [];
        return hit;
    }

    public void Add(string key, byte[] tile) =>
        _tiles.Set(key, tile, new MemoryCacheEntryOptions { Size = tile.Length + key.Length * 2 + EntryOverhead });

    public void Dispose() => _tiles.Dispose();
}
