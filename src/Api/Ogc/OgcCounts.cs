using System.Globalization;
using Ledger.Spatial;
using Microsoft.Extensions.Caching.Memory;

namespace Ledger.Api.Ogc;

/// <summary>
/// The <c>numberMatched</c> of walks under way. A first page counts every feature matched (the
/// whole layer's choice of versions, most of a page's time in a large county) and its count is
/// kept here under what its next links pin: the region, collection, valid-time window, knowledge
/// instant, box, and the chain position it was read through in each database. Those fix the count,
/// so later pages take it from here. Only a count read through the head of its own snapshot is
/// kept: a position a client wrote into <c>knownThrough</c> may lie ahead of the chain, where the
/// count could still grow. At most <see cref="Walks"/> walks; past that the least recently used go.
/// </summary>
public sealed class OgcCounts : IDisposable
{
    public const int Walks = 10_000;
    private readonly MemoryCache _counts = new(new MemoryCacheOptions { SizeLimit = Walks });

    public static string Key(FeatureRequest request, string database, long head)
    {
        var (window, box) = (request.Window, request.Bbox);
        return string.Create(CultureInfo.InvariantCulture,
            $"{request.Region}|{request.Layer}|{window.Start:uuuu-MM-dd}/{window.End:uuuu-MM-dd}|{request.KnownAt.ToUnixTimeTicks()}|" +
            $"{box?.West:R},{box?.South:R},{box?.East:R},{box?.North:R}|{database}:{head}");
    }

    public long? Find(string key) => _counts.TryGetValue(key, out long matched) ? matched : null;

    public void Keep(string key, long matched) =>
        _counts.Set(key, matched, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromHours(1) });

    public void Dispose() => _counts.Dispose();
}
