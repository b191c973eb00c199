using Ledger.Ingest;
using Ledger.Regions;

namespace Ledger.Access;

/// <summary>
/// Which items of a batch name a region outside the client's scope. A succession names regions
/// beyond its own stream: it retires its predecessors and moves their streams to the successor,
/// so a writer may only retire codes it may write to (a succession across provinces needs a
/// national key). A split's streams must belong to its predecessor, which a later rule checks.
/// </summary>
public static class ClientScope
{
    public static List<ItemError> Outside(ApiClient client, IEnumerable<IncomingEvent> events)
    {
        var errors = new List<ItemError>();
        foreach (var e in events)
        {
            if (!client.CanSee(e.RegionCode))
                errors.Add(new ItemError($"events[{e.Index}].regionCode", $"region {e.RegionCode} is outside the client's scope {client.Scope}"));
            if (e.Event is not RegionSucceeded succession) continue;
            for (var i = 0; i < succession.Predecessors.Count; i++)
                if (!client.CanSee(succession.Predecessors[i]))
                    errors.Add(new ItemError($"events[{e.Index}].data.predecessors[{i}]",
                        $"region {succession.Predecessors[i]} is outside the client's scope {client.Scope}: " +
                        "only a key whose scope holds every predecessor may retire them"));
        }
        return errors;
    }
}
