using Ledger.Events;
using Ledger.Regions;
using Ledger.Storage;
using Marten;
using NodaTime;
using Npgsql;

namespace Ledger.Ingest;

/// <summary>
/// The rules of <c>region.succeeded</c> that look beyond the successor's own stream: the
/// predecessors' registration, retirement, later records and subdivisions, cycles, and a
/// split's allocation of streams. What they read is loaded once, before the batch is decided.
/// </summary>
internal sealed class SuccessionChecks
{
    private readonly Dictionary<string, LocalDate> latestEvent = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> children = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IStreamState> listed = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> listedBy = new(StringComparer.Ordinal);

    public static async Task<SuccessionChecks> LoadAsync(IQuerySession session, NpgsqlConnection conn, NpgsqlTransaction tx,
        IReadOnlyList<IncomingEvent> batch, CancellationToken ct)
    {
        var checks = new SuccessionChecks();
        var successions = batch.Where(e => e.Event is RegionSucceeded).ToList();
        if (successions.Count == 0) return checks;
        var predecessors = successions.SelectMany(e => ((RegionSucceeded)e.Event).Predecessors).Distinct().ToArray();

        await using (var cmd = new NpgsqlCommand($"""
            select region_code, max(effective_date) from {LedgerStore.Schema}.{Investigations.EventIndex.Table}
            where region_code = any(@codes) and stream_id not like 'region:%' group by region_code
            """, conn, tx))
        {
            cmd.Parameters.AddWithValue("codes", predecessors);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) checks.latestEvent[r.GetString(0)] = LocalDate.FromDateOnly(r.GetFieldValue<DateOnly>(1));
        }
        foreach (var child in await session.Query<RegionState>().Where(r => r.ParentCode.IsOneOf(predecessors)).ToListAsync(ct))
        {
            if (!checks.children.TryGetValue(child.ParentCode, out var list)) checks.children[child.ParentCode] = list = [];
            list.Add(child.RegionCode);
        }
        var streams = successions.SelectMany(e => ((RegionSucceeded)e.Event).Streams ?? []).Select(Succession.StreamIdOf).ToList();
        foreach (var domain in streams.GroupBy(s => s[..s.IndexOf(':')]))
            foreach (var state in await StateLoader.LoadManyAsync(session, domain.Key, domain.Distinct().ToArray(), ct))
                checks.listed[state.Id] = state;
        return checks;
    }

    public IEnumerable<RuleError> Check(IncomingEvent item, RegionSucceeded e, IReadOnlyList<IncomingEvent> batch, RuleContext context)
    {
        var codes = context.Codes;
        foreach (var p in e.Predecessors)
        {
            var region = context.Region(p);
            if (region is null)
            {
                yield return new RuleError("data.predecessors", $"region {p} is not registered");
                continue;
            }
            if (region.OpenedOn > e.EffectiveDate)
                yield return new RuleError("data.predecessors", $"region {p} was registered on {region.OpenedOn:yyyy-MM-dd}, after the succession's date");
            var siblings = codes.Retirement(p).Where(l => !(l.Seq < 0 && l.Reason == "split" && e.Reason == "split")).ToList();
            if (siblings is [var done, ..])
                yield return new RuleError("data.predecessors", $"region {p} is already retired: succeeded by {done.Successor} on {done.EffectiveDate:yyyy-MM-dd}");
            else if (codes.Descendants(item.RegionCode).Contains(p))
                yield return new RuleError("data.predecessors", $"a cycle: {p} already succeeds {item.RegionCode}");
            if (latestEvent.TryGetValue(p, out var latest) && latest >= e.EffectiveDate)
                yield return new RuleError("effectiveDate", $"region {p} has records effective as late as {latest:yyyy-MM-dd}: " +
                    "a succession cannot retire a code from before records that still name it");
            var live = children.GetValueOrDefault(p)?.Where(c => codes.RetiredOn(c) is not { } d || d > e.EffectiveDate).ToList() ?? [];
            if (live.Count > 0)
                yield return new RuleError("data.predecessors", $"region {p} still has subdivisions in use on {e.EffectiveDate:yyyy-MM-dd} " +
                    $"({string.Join(", ", live.Take(10))}): succeed them first, in an earlier event");
        }
        if (e.Reason == "split")
            foreach (var problem in SplitProblems(item, e, batch, codes)) yield return problem;
    }

    private IEnumerable<RuleError> SplitProblems(IncomingEvent item, RegionSucceeded e, IReadOnlyList<IncomingEvent> batch, Lineage codes)
    {
        var p = e.Predecessors[0];
        var split = batch.Where(x => x.Event is RegionSucceeded { Reason: "split" } s && s.Predecessors[0] == p).ToList();
        if (split.Count < 2)
            yield return new RuleError("data.reason", $"a split of {p} is one batch with an event for each of at least two successors");
        if (split.Count(x => ((RegionSucceeded)x.Event).Streams is null) != 1)
            yield return new RuleError("data.streams", $"exactly one successor of the split of {p} lists no streams: it takes the rest");
        if (split.Any(x => x.EffectiveDate != e.EffectiveDate))
            yield return new RuleError("effectiveDate", $"every event of the split of {p} has the same effective date");
        foreach (var reference in e.Streams ?? [])
        {
            var id = Succession.StreamIdOf(reference);
            if (listedBy.TryGetValue(id, out var other) && other != item.Index)
                yield return new RuleError("data.streams", $"{reference} is listed by events[{other}] too");
            listedBy[id] = item.Index;
            if (!listed.TryGetValue(id, out var state))
                yield return new RuleError("data.streams", $"{reference} does not exist");
            else if (codes.CodeAt(state.RegionCode, id, e.EffectiveDate.PlusDays(-1)) is var code && code != p)
                yield return new RuleError("data.streams", $"{reference} belongs to region {code}, not to the region being split ({p})");
        }
    }
}
