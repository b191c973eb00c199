namespace Ledger.Regions;

/// <summary>A split predecessor counted only for the streams that went to <see cref="To"/> by succession <see cref="Seq"/>.</summary>
public sealed record PartOfPredecessor(string Code, long Seq, string To);

/// <summary>
/// What a region's figures are made of, as known at an instant, on the region's territory as of
/// a date (the sheet's end: 按现行区划口径): its own code (and everything under it) plus, followed
/// back through successions effective by then, the codes it succeeded — a split predecessor
/// only for the streams that went to it, and no further back. A transfer between two codes both
/// inside is internal and not shown; one crossing the edge is a <c>region-transfer</c> in or out.
/// Successions after the date are left out, so a region that absorbs another later does not
/// count it twice while both are in use.
/// </summary>
public sealed class RegionScope
{
    public const string TransferCause = "region-transfer";

    public string Region { get; }
    public IReadOnlyList<string> Codes { get; }
    public IReadOnlyList<PartOfPredecessor> Parts { get; }
    public Lineage Lineage { get; }

    private RegionScope(string region, IReadOnlyList<string> codes, IReadOnlyList<PartOfPredecessor> parts, Lineage lineage) =>
        (Region, Codes, Parts, Lineage) = (region, codes, parts, lineage);

    public static RegionScope Of(string region, Lineage lineage, NodaTime.LocalDate asOf)
    {
        var codes = new List<string> { region };
        var parts = new List<PartOfPredecessor>();
        var queue = new Queue<string>([region]);
        while (queue.TryDequeue(out var code))
            foreach (var link in lineage.LinksInto(code).Where(l => l.EffectiveDate <= asOf))
            {
                if (lineage.Retirement(link.Predecessor).Count > 1) parts.Add(new PartOfPredecessor(link.Predecessor, link.Seq, code));
                else if (!codes.Contains(link.Predecessor) && !codes.Any(c => RegionCodes.Contains(c, link.Predecessor)))
                {
                    codes.Add(link.Predecessor);
                    queue.Enqueue(link.Predecessor);
                }
            }
        return new RegionScope(region, codes, parts, lineage);
    }

    public bool IsPlain => Codes.Count == 1 && Parts.Count == 0;

    /// <summary>True when a flow under <paramref name="code"/> counts here whole.</summary>
    public bool Holds(string code) => Codes.Any(c => RegionCodes.Contains(c, code));

    /// <summary>The six-digit code ranges of <see cref="Codes"/>, e.g. 410100..410199.</summary>
    public IEnumerable<(string Low, string High)> Ranges => Codes.Select(c =>
    {
        var prefix = RegionCodes.Prefix(c);
        return (prefix.PadRight(6, '0'), prefix.PadRight(6, '9'));
    });

    /// <summary>
    /// How a transfer row counts here: +1 into the scope, -1 out of it, 0 not at all (internal, or
    /// another split successor's streams).
    /// </summary>
    public int Direction(string from, string to, long successionSeq)
    {
        // A split predecessor's transfers: to this region, internal; to a sibling, not this region's streams.
        if (Parts.Any(p => p.Code == from && Lineage.Retirement(from).Any(l => l.Seq == successionSeq))) return 0;
        var (fromIn, toIn) = (Holds(from), Holds(to));
        return fromIn == toIn ? 0 : toIn ? 1 : -1;
    }
}
