using Ledger.Flows;
using Ledger.Spatial;
using Ledger.Storage;

namespace Ledger.Integrity;

/// <summary>
/// <c>geo_versions</c> against a replay: the same <see cref="GeoTracker"/> ingest uses, fed every
/// event in order, with each geometry read back from the event itself. Geometries compare as
/// exact WKB (the doubles as posted), areas as decimals.
/// </summary>
internal static class GeoRows
{
    public static RowTable Table()
    {
        var tracker = new GeoTracker();
        return new RowTable(GeoTables.Versions,
            ["event_id", "type", "stream_id", "region_code", "version", "effective_date", "recorded_at", "area_ha", "geometry"],
            "select seq, layer, event_id, type, stream_id, region_code, version, effective_date, recorded_at, area_ha, " +
            $"encode(ST_AsBinary(geom), 'hex') from {LedgerStore.Schema}.{GeoTables.Versions} order by seq, layer",
            e => Expected(tracker, e));
    }

    private static IEnumerable<DerivedRow> Expected(GeoTracker tracker, ReplayedEvent e)
    {
        if (e.After is null) return [];
        var rows = tracker.Project(e.Row.Seq, e.Row.EventId, e.Spec.Name, e.Row.StreamId, e.Event, e.Before, e.After, e.Row.RecordedAt,
            ShapeOf(e.Event));
        return rows.Select(r => new DerivedRow(r.Seq, r.Layer,
            [r.EventId, r.Type, r.StreamId, r.RegionCode, r.Version, r.EffectiveDate.ToDateOnly(), r.RecordedAt, r.AreaHa, r.WkbHex]));
    }

    /// <summary>An event's geometry; one that no longer reads (only a forged event could hold one) gives no rows, which the check then reports.</summary>
    private static Shape? ShapeOf(object e) => e is IHasGeometry { Geometry: { } g } ? StoredGeometry.Read(g) : null;
}
