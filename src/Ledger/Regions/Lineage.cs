using NodaTime;

namespace Ledger.Regions;

/// <summary>One predecessor retired by one successor (a merger of three is three links under one event).</summary>
public sealed record SuccessionLink(long Seq, Guid EventId, string Predecessor, string Successor, string Reason, LocalDate EffectiveDate,
    Instant RecordedAt, bool ListsStreams, IReadOnlyList<string>? Streams = null);

/// <summary>
/// Which codes are retired, from when, and where each stream of a retired code went. Pure: ingest
/// loads it once per batch and adds the successions the batch itself accepts.
/// </summary>
public sealed class Lineage
{
    private readonly Dictionary<string, List<SuccessionLink>> byPredecessor = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<SuccessionLink>> bySuccessor = new(StringComparer.Ordinal);
    private readonly Dictionary<(string StreamId, long Seq), string> moves;

    public Lineage(IEnumerable<SuccessionLink> links, IEnumerable<(string StreamId, long SuccessionSeq, string To)> streamMoves)
    {
        foreach (var link in links) Add(link);
        moves = streamMoves.ToDictionary(m => (m.StreamId, m.SuccessionSeq), m => m.To);
    }

    public static Lineage Empty => new([], []);

    public bool IsEmpty => byPredecessor.Count == 0;

    public void Add(SuccessionLink link)
    {
        if (!byPredecessor.TryGetValue(link.Predecessor, out var list)) byPredecessor[link.Predecessor] = list = [];
        list.Add(link);
        if (!bySuccessor.TryGetValue(link.Successor, out var into)) bySuccessor[link.Successor] = into = [];
        into.Add(link);
    }

    /// <summary>The links by which <paramref name="code"/> succeeded other regions.</summary>
    public IReadOnlyList<SuccessionLink> LinksInto(string code) => bySuccessor.GetValueOrDefault(code) ?? [];

    public IEnumerable<SuccessionLink> AllLinks => byPredecessor.Values.SelectMany(l => l);

    /// <summary>The links that retired a code (several for a split), or an empty list while it is in use.</summary>
    public IReadOnlyList<SuccessionLink> Retirement(string code) => byPredecessor.GetValueOrDefault(code) ?? [];

    public LocalDate? RetiredOn(string code) => Retirement(code) is [var first, ..] ? first.EffectiveDate : null;

    /// <summary>Where a stream of a retired code went: the only successor, or for a split the one that listed it, else the one that takes the rest.</summary>
    public SuccessionLink LinkFor(string code, string streamId)
    {
        var links = Retirement(code);
        if (links.Count == 1) return links[0];
        foreach (var link in links)
            if (moves.TryGetValue((streamId, link.Seq), out var to) && to == link.Successor) return link;
        var reference = streamId.Replace(':', '/');
        return links.FirstOrDefault(l => l.Streams?.Contains(reference) == true) ?? links.First(l => !l.ListsStreams);
    }

    /// <summary>The code a stream created under <paramref name="code"/> has on <paramref name="date"/>, following every succession.</summary>
    public string CodeAt(string code, string streamId, LocalDate date)
    {
        for (var hops = 0; RetiredOn(code) is { } retired && retired <= date; hops++)
        {
            if (hops > 10_000) throw new InvalidOperationException($"the successions of {code} loop");
            code = LinkFor(code, streamId).Successor;
        }
        return code;
    }

    /// <summary>The successions a stream on <paramref name="code"/> on <paramref name="date"/> goes through afterwards, in order.</summary>
    public IEnumerable<SuccessionLink> MovesAfter(string code, string streamId, LocalDate date)
    {
        for (var hops = 0; RetiredOn(code) is { } retired && retired > date; hops++)
        {
            if (hops > 10_000) throw new InvalidOperationException($"the successions of {code} loop");
            var link = LinkFor(code, streamId);
            yield return link;
            (code, date) = (link.Successor, retired);
        }
    }

    /// <summary>Every code that (transitively) succeeds <paramref name="code"/>: a predecessor found here would make a cycle.</summary>
    public IEnumerable<string> Descendants(string code)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>([code]);
        while (queue.TryDequeue(out var c))
            foreach (var link in Retirement(c))
                if (seen.Add(link.Successor)) queue.Enqueue(link.Successor);
        return seen;
    }
}
