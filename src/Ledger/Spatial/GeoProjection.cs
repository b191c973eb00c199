using Ledger.Events;
using Ledger.Farmland;
using Ledger.Mining;
using Ledger.RedLines;
using NodaTime;

namespace Ledger.Spatial;

/// <summary>
/// What an accepted event writes into <c>geo_versions</c>. Pure: ingest and the replay check
/// both call it; <paramref name="lastBoundary"/> gives a stream's most recently recorded
/// boundary in a layer (ingest reads it from the table, the replay remembers it).
/// </summary>
/// <remarks>
/// A parcel is in the permanent basic layer, with its whole boundary, while it holds any
/// permanent basic farmland: designation and release carry no geometry of their own (contract 1.1).
/// </remarks>
public static class GeoProjection
{
    public delegate Boundary? LastBoundary(string streamId, string layer);

    public static IEnumerable<GeoRow> Of(long seq, Guid eventId, string type, string streamId, ILedgerEvent e, IStreamState? before,
        IStreamState after, Instant recordedAt, Shape? shape, LastBoundary lastBoundary)
    {
        GeoRow Row(string layer, Boundary? s) => new(seq, layer, eventId, type, streamId, e.RegionCode, after.Version, e.EffectiveDate,
            recordedAt, s?.AreaHa, s?.Geometry);
        var drawn = shape is null ? null : new Boundary(shape.Geometry, shape.AreaHa);

        switch (e)
        {
            case ParcelRegistered or FarmlandAreaCorrected when shape is not null:
                yield return Row(Layers.Farmland, drawn);
                if (((ParcelState)after).PermanentBasicHa > 0) yield return Row(Layers.PermanentBasic, drawn);
                else if (before is ParcelState { PermanentBasicHa: > 0 }) yield return Row(Layers.PermanentBasic, null);
                yield break;
            case ZoneDesignated or ZoneAdjusted when shape is not null:
                yield return Row(Layers.RedLine, drawn);
                yield break;
            case LandUse.LandUseParcelRegistered when shape is not null:
                yield return Row(Layers.LandUse, drawn);
                yield break;
            case MiningRightGranted when shape is not null:
                yield return Row(Layers.Mining, drawn);
                yield break;
            case MiningSiteClosed when lastBoundary(streamId, Layers.Mining) is not null:
                yield return Row(Layers.Mining, null);
                yield break;
        }
        if (drawn is not null && e is IHasGeometry) yield return Row(Layers.Footprints, drawn);
        if (before is ParcelState b && after is ParcelState a && (b.PermanentBasicHa > 0) != (a.PermanentBasicHa > 0)
            && lastBoundary(streamId, Layers.Farmland) is { } boundary)
            yield return Row(Layers.PermanentBasic, a.PermanentBasicHa > 0 ? boundary : null);
    }

    /// <summary>Event types whose footprints are not intersected with protections: reclaimed land is land given back.</summary>
    public static readonly string[] NotOccupying = ["mining.land-reclaimed"];
}
