using Ledger.Events;
using NodaTime;

namespace Ledger.Spatial;

/// <summary>
/// Projects events into geometry rows while remembering each stream's latest recorded boundary
/// in the layers later events reuse. Ingest seeds it from the table; the replay check starts it
/// empty and feeds it every event in sequence order, so both derive rows the same way.
/// </summary>
public sealed class GeoTracker(Dictionary<(string, string), Boundary?>? known = null)
{
    private readonly Dictionary<(string Stream, string Layer), Boundary?> _last = known ?? new();

    public IReadOnlyList<GeoRow> Project(long seq, Guid eventId, string type, string streamId, ILedgerEvent e, IStreamState? before,
        IStreamState after, Instant recordedAt, Shape? shape)
    {
        var rows = GeoProjection.Of(seq, eventId, type, streamId, e, before, after, recordedAt, shape,
            (stream, layer) => _last.GetValueOrDefault((stream, layer))).ToList();
        foreach (var row in rows.Where(r => r.Layer is Layers.Farmland or Layers.Mining))
            _last[(row.StreamId, row.Layer)] = row.Geometry is null ? null : new Boundary(row.Geometry, row.AreaHa!.Value);
        return rows;
    }

    public void Forget(string streamId)
    {
        _last.Remove((streamId, Layers.Farmland));
        _last.Remove((streamId, Layers.Mining));
    }
}
