using Ledger.Farmland;
using Ledger.LandUse;

namespace Ledger.Ingest;

/// <summary>
/// Land restored to farmland from another class is one transition posted as two events in one
/// batch (contract 1.8): the <c>landuse.reclassified</c> to a farmland class, and the
/// <c>farmland.parcel-registered</c> (origin restored) of that land naming it. Each side without
/// the other would leave land counted twice or nowhere, so a batch holding half a pair is refused.
/// </summary>
internal static class RestorationPairs
{
    public static IEnumerable<ItemError> Check(IReadOnlyList<IncomingEvent> batch)
    {
        var byId = batch.ToDictionary(e => e.EventId);
        var named = new Dictionary<Guid, int>();
        foreach (var item in batch)
        {
            if (item.Event is not ParcelRegistered { RestoredFromEventId: { } from } registered) continue;
            var at = $"events[{item.Index}].data";
            if (!byId.TryGetValue(from, out var source))
            {
                yield return new ItemError($"{at}.restoredFromEventId",
                    $"names event {from}, which is not in this batch: a restoration is posted as a pair in one batch");
                continue;
            }
            if (source.Event is not LandReclassified { } r || LandClasses.GroupOf(r.ToClass) != LandClasses.FarmlandGroup)
            {
                yield return new ItemError($"{at}.restoredFromEventId",
                    $"names events[{source.Index}], which is not a {LandUseEventTypes.Reclassified} to a farmland class (01xx)");
                continue;
            }
            if (named.TryGetValue(from, out var first))
                yield return new ItemError($"{at}.restoredFromEventId", $"names the reclassification events[{first}] already names");
            named.TryAdd(from, item.Index);
            if (registered.AreaHa != r.AreaHa)
                yield return new ItemError($"{at}.areaHa", $"is {registered.AreaHa} ha, but events[{source.Index}] reclassifies {r.AreaHa} ha: the pair moves one piece of land");
            if (LandClasses.OfFarmlandType(registered.LandType) != r.ToClass)
                yield return new ItemError($"{at}.landType",
                    $"is {registered.LandType} ({LandClasses.OfFarmlandType(registered.LandType)}), but events[{source.Index}] reclassifies to {r.ToClass}");
            if (registered.RegionCode != r.RegionCode || registered.EffectiveDate != r.EffectiveDate)
                yield return new ItemError($"events[{item.Index}].effectiveDate",
                    $"the pair must share its region and date: events[{source.Index}] is {r.RegionCode} on {r.EffectiveDate:yyyy-MM-dd}");
        }
        foreach (var item in batch)
            if (item.Event is LandReclassified r && LandClasses.GroupOf(r.ToClass) == LandClasses.FarmlandGroup && !named.ContainsKey(item.EventId))
                yield return new ItemError($"events[{item.Index}].data.toClass",
                    $"is farmland ({r.ToClass}): the same batch must register that land as a farmland.parcel-registered (origin restored) " +
                    $"naming this event ({item.EventId}) in restoredFromEventId");
    }
}
