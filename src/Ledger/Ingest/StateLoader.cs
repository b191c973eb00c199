using System.Reflection;
using Ledger.Events;
using Marten;

namespace Ledger.Ingest;

/// <summary>Loads the current state of every stream (and every region) a batch touches, one query per stream kind.</summary>
internal static class StateLoader
{
    private static readonly MethodInfo LoadTyped = typeof(StateLoader).GetMethod(nameof(LoadManyAsync), BindingFlags.NonPublic | BindingFlags.Static)!;

    public static async Task<Dictionary<string, IStreamState>> LoadAsync(IQuerySession session, IReadOnlyList<IncomingEvent> batch,
        CancellationToken ct)
    {
        var wanted = batch.Select(e => (e.Spec.Domain, e.StreamId))
            .Concat(batch.Select(e => ("region", EventCatalog.StreamId("region", e.RegionCode))))
            .Concat(batch.Select(e => e.Event).OfType<Regions.RegionRegistered>()
                .Select(r => ("region", EventCatalog.StreamId("region", r.ParentCode))))
            .Concat(batch.Select(e => e.Event).OfType<Regions.RegionSucceeded>()
                .SelectMany(s => s.Predecessors.Select(p => ("region", EventCatalog.StreamId("region", p)))))
            .Distinct()
            .GroupBy(x => x.Item1, x => x.Item2);

        var states = new Dictionary<string, IStreamState>();
        foreach (var group in wanted)
        {
            var type = EventCatalog.RulesFor(group.Key)!.StateType;
            var load = (Task<IReadOnlyList<IStreamState>>)LoadTyped.MakeGenericMethod(type).Invoke(null, [session, group.ToArray(), ct])!;
            foreach (var s in await load) states[s.Id] = s;
        }
        return states;
    }

    private static async Task<IReadOnlyList<IStreamState>> LoadManyAsync<T>(IQuerySession session, string[] ids, CancellationToken ct)
        where T : IStreamState =>
        (await session.LoadManyAsync<T>(ct, ids)).Cast<IStreamState>().ToList();

    /// <summary>The current state of one stream, or null.</summary>
    public static async Task<IStreamState?> LoadOneAsync(IQuerySession session, string domain, string streamId, CancellationToken ct) =>
        (await LoadManyAsync(session, domain, [streamId], ct)).SingleOrDefault();

    /// <summary>The current states of streams of one domain (those that exist).</summary>
    public static Task<IReadOnlyList<IStreamState>> LoadManyAsync(IQuerySession session, string domain, string[] streamIds, CancellationToken ct)
    {
        var type = EventCatalog.RulesFor(domain)!.StateType;
        return (Task<IReadOnlyList<IStreamState>>)LoadTyped.MakeGenericMethod(type).Invoke(null, [session, streamIds, ct])!;
    }
}
