using Ledger.Events;

namespace Ledger.Regions;

/// <summary>The checks on a <c>region.succeeded</c> that need nothing but the event itself.</summary>
public static class Succession
{
    public static IEnumerable<(string Field, string Message)> ShapeProblems(EventValues v)
    {
        var successor = v.RegionCode;
        var predecessors = v.List("predecessors");
        var reason = v.Text("reason");
        if (predecessors.Contains(successor))
            yield return ("predecessors", $"a region cannot succeed itself ({successor})");
        foreach (var p in predecessors.Where(p => RegionCodes.LevelOf(p) != RegionCodes.LevelOf(successor)))
            yield return ("predecessors", $"{p} is a {RegionCodes.LevelOf(p)} code and {successor} a {RegionCodes.LevelOf(successor)}: a succession joins regions of one level");
        if (reason != "merger" && predecessors.Count != 1)
            yield return ("predecessors", $"a {reason} names exactly one predecessor (a merger may name several)");
        if (v.OptionalList("streams") is not null && reason != "split")
            yield return ("streams", "only a split allocates streams; every other succession takes all of its predecessors' streams");
    }

    /// <summary><c>farmland/410122-000001</c> → the Marten stream id <c>farmland:410122-000001</c>.</summary>
    public static string StreamIdOf(string reference) => reference.Replace('/', ':');
}
