using System.Globalization;
using Ledger.Audit.BalanceSheets;
using Ledger.Events;
using Ledger.Spatial;
using NodaTime;

namespace Ledger.Audit.Departure;

/// <summary>
/// What the ledger's own overlay finds inside a window (rule set national@2026.3), independent of
/// what the audited region reported:
/// <list type="bullet">
/// <item><c>overlap.redLine</c>, <c>overlap.permanentBasic</c>: footprints (occupations, mine
/// land) and licences overlapping a protection in force, effective in the window. A protection
/// drawn over an earlier footprint (<c>pre-existing</c>) is not counted: the conflict predates it.
/// Left to the rules that already count them: the region's own encroachment reports (R3) and
/// occupations recorded on the permanent basic parcel itself (F3, and the stock).</item>
/// <item><c>overlap.redLineUnreported</c>, <c>overlap.permanentBasicUnreported</c> (隐瞒/漏报):
/// occupation overlaps that no record on the protected stream accounts for — no encroachment
/// report with a boundary meeting the footprint on the zone, no occupation meeting it on the
/// parcel — by the report's knowledge time.</item>
/// </list>
/// Each finding cites every overlap's id and both of its events.
/// </summary>
public static class OverlapMeasures
{
    public const string RedLine = "overlap.redLine", PermanentBasic = "overlap.permanentBasic";
    public const string RedLineUnreported = "overlap.redLineUnreported", PermanentBasicUnreported = "overlap.permanentBasicUnreported";
    public static readonly string[] Names = [RedLine, PermanentBasic, RedLineUnreported, PermanentBasicUnreported];

    public static IReadOnlyList<OverlapFact> Counted(string name, AuditInputs inputs, LocalDate from, LocalDate to)
    {
        var inWindow = inputs.Overlaps.Where(o => o.EffectiveDate >= from && o.EffectiveDate <= to);
        return name switch
        {
            RedLine => inWindow.Where(o => o.Layer == Layers.RedLine && o.Kind != "pre-existing"
                && o.Footprint.Type != OverlapLiabilities.EncroachmentReport).ToList(),
            PermanentBasic => inWindow.Where(o => o.Layer == Layers.PermanentBasic && o.Kind != "pre-existing"
                && o.Footprint.Stream != o.Protected.Stream).ToList(),
            RedLineUnreported => inWindow.Where(o => o.Layer == Layers.RedLine && o.Kind == "occupation" && !o.Reported).ToList(),
            PermanentBasicUnreported => inWindow.Where(o => o.Layer == Layers.PermanentBasic && o.Kind == "occupation" && !o.Reported).ToList(),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "not an overlap measure"),
        };
    }

    public static MeasureResult Compute(string name, AuditInputs inputs, LocalDate from, LocalDate to)
    {
        var counted = Counted(name, inputs, from, to);
        var total = Quantities.Normalize(counted.Sum(o => o.AreaHa));
        var evidence = counted.SelectMany(o => new[] { o.Footprint, o.Protected }).DistinctBy(e => e.Sequence).OrderBy(e => e.Sequence).ToList();
        return new MeasureResult(name, total, counted.Count, true, true, new Dictionary<string, string>
        {
            ["count"] = counted.Count.ToString(CultureInfo.InvariantCulture),
            ["value"] = Measures.Number(total),
            ["overlaps"] = string.Join(", ", counted.Select(o => o.Id.ToString())),
            ["list"] = string.Join("；", counted.Select(o =>
                $"{o.Footprint.Domain}:{o.Footprint.Stream} × {o.Protected.Domain}:{o.Protected.Stream} {Measures.Number(o.AreaHa)} ha ({o.EffectiveDate:yyyy-MM-dd})")),
        }, evidence);
    }
}
