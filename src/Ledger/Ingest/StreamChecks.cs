using Ledger.Events;

namespace Ledger.Ingest;

/// <summary>The checks every stream kind shares: existence, version, dates, region and references.</summary>
internal static class StreamChecks
{
    public static IEnumerable<RuleError> Check(IncomingEvent item, IStreamState? state, RuleContext context,
        IReadOnlyDictionary<Guid, string> knownEventStreams)
    {
        var spec = item.Spec;
        var current = state?.Version ?? 0;
        if (item.ExpectedVersion is { } expected && expected != current)
            yield return new RuleError("expectedVersion", $"expected version {expected}, but stream {spec.Domain}/{item.Key} is at version {current}");

        if (state is null && !spec.CreatesStream)
        {
            var creator = EventCatalog.Types.First(t => t.Domain == spec.Domain && t.CreatesStream).Name;
            yield return new RuleError("stream", $"stream {spec.Domain}/{item.Key} does not exist; it must begin with {creator}");
            yield break;
        }
        if (state is not null && spec.CreatesStream)
        {
            yield return new RuleError("stream", $"stream {spec.Domain}/{item.Key} already exists (version {state.Version})");
            yield break;
        }

        if (item.EffectiveDate > context.Today)
            yield return new RuleError("effectiveDate", $"{item.EffectiveDate:yyyy-MM-dd} is in the future (today is {context.Today:yyyy-MM-dd}, Asia/Shanghai)");
        if (state is not null && item.EffectiveDate < state.OpenedOn)
            yield return new RuleError("effectiveDate", $"precedes the stream's creation on {state.OpenedOn:yyyy-MM-dd}");

        var codes = context.Codes;
        if (codes.Retirement(item.RegionCode) is [var link, ..] && link.EffectiveDate <= item.EffectiveDate)
            yield return new RuleError("regionCode", $"region {item.RegionCode} was succeeded by {Successors(codes, item.RegionCode)} on " +
                $"{link.EffectiveDate:yyyy-MM-dd}: events effective from then on name the successor");
        else if (state is not null && codes.CodeAt(state.RegionCode, item.StreamId, item.EffectiveDate) is var code && code != item.RegionCode)
            yield return new RuleError("regionCode", $"stream {spec.Domain}/{item.Key} belongs to region {code} on {item.EffectiveDate:yyyy-MM-dd}");
        else if (spec.Name != "region.registered" && context.Region(item.RegionCode) is null)
            yield return new RuleError("regionCode", $"region {item.RegionCode} is not registered");

        if (item.Event is ICorrection { CorrectedEventId: { } corrected }
            && (!knownEventStreams.TryGetValue(corrected, out var stream) || stream != item.StreamId))
            yield return new RuleError("data.correctsEventId", $"event {corrected} is not an event of stream {spec.Domain}/{item.Key}");
    }

    private static string Successors(Regions.Lineage codes, string code) =>
        string.Join(" and ", codes.Retirement(code).Select(l => l.Successor));
}
