using System.Globalization;
using Ledger.Events;
using Ledger.LandUse;
using NodaTime;

namespace Ledger.Audit.Departure;

/// <summary>
/// 耕地进出平衡 in a window (rule set national@2026.4, 自然资发〔2021〕166号):
/// <list type="bullet">
/// <item><c>farmland.inOutDeficit</c>: per county and calendar year (the part of it inside the
/// window), out = farmland turned into other agricultural land, in = such land restored to
/// farmland; the value is Σ max(0, out − in). A county-year's surplus never offsets another's
/// deficit, as on the balance sheet. The evidence is every event on both sides of the county-years
/// in deficit: the conversions and occupations out, and both events of each restoration pair in.</item>
/// <item><c>farmland.toNonGrain</c>: farmland turned into other agricultural land (non-grain
/// uses: 园地, 林地, 草地, 坑塘, 设施农用地, K classes), by destination class, with its events.</item>
/// </list>
/// </summary>
public static class InOutMeasures
{
    public const string Deficit = "farmland.inOutDeficit", ToNonGrain = "farmland.toNonGrain";
    public static readonly string[] Names = [Deficit, ToNonGrain];

    public sealed record CountyYear(string RegionCode, int Year, decimal Out, decimal In, IReadOnlyList<FarmlandChange> Changes)
    {
        public decimal Deficit => Math.Max(0, Out - In);
    }

    public static IEnumerable<FarmlandChange> InWindow(AuditInputs inputs, LocalDate from, LocalDate to) =>
        inputs.FarmlandChanges.Where(c => c.Event.EffectiveDate >= from && c.Event.EffectiveDate <= to);

    /// <summary>The window's county-years with any change counted by the balance, by county then year.</summary>
    public static IReadOnlyList<CountyYear> Years(AuditInputs inputs, LocalDate from, LocalDate to) =>
        InWindow(inputs, from, to).Where(c => c.IsOut || c.IsIn)
            .GroupBy(c => (c.RegionCode, c.Event.EffectiveDate.Year))
            .OrderBy(g => g.Key.RegionCode, StringComparer.Ordinal).ThenBy(g => g.Key.Year)
            .Select(g => new CountyYear(g.Key.RegionCode, g.Key.Year, Quantities.Normalize(g.Where(c => c.IsOut).Sum(c => c.AreaHa)),
                Quantities.Normalize(g.Where(c => c.IsIn).Sum(c => c.AreaHa)), g.ToList()))
            .ToList();

    public static MeasureResult Compute(string name, AuditInputs inputs, LocalDate from, LocalDate to) => name switch
    {
        Deficit => DeficitOf(name, Years(inputs, from, to)),
        ToNonGrain => NonGrain(name, InWindow(inputs, from, to).Where(c => c.IsOut).ToList()),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "not an in-out measure"),
    };

    private static MeasureResult DeficitOf(string name, IReadOnlyList<CountyYear> years)
    {
        var inDeficit = years.Where(y => y.Deficit > 0).ToList();
        var total = Quantities.Normalize(inDeficit.Sum(y => y.Deficit));
        return new MeasureResult(name, total, inDeficit.Count, true, true, new Dictionary<string, string>
        {
            ["count"] = Count(inDeficit.Count),
            ["value"] = Measures.Number(total),
            ["out"] = Measures.Number(years.Sum(y => y.Out)),
            ["in"] = Measures.Number(years.Sum(y => y.In)),
            ["years"] = string.Join("；", inDeficit.Select(y => $"{y.RegionCode} {y.Year}: {Measures.Number(y.Out)} > {Measures.Number(y.In)}")),
            ["surplus"] = string.Join("；", years.Where(y => y.In > y.Out).Select(y => $"{y.RegionCode} {y.Year}: {Measures.Number(y.In - y.Out)}")),
        }, Cited(inDeficit.SelectMany(y => y.Changes)));
    }

    private static MeasureResult NonGrain(string name, IReadOnlyList<FarmlandChange> outs)
    {
        var total = Quantities.Normalize(outs.Sum(c => c.AreaHa));
        var byClass = outs.GroupBy(c => c.ToClass).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (Class: g.Key, Area: Quantities.Normalize(g.Sum(c => c.AreaHa)))).ToList();
        var events = Cited(outs);
        var values = new Dictionary<string, string>
        {
            ["count"] = Count(events.Count),
            ["value"] = Measures.Number(total),
            ["classes"] = string.Join("；", byClass.Select(c => $"{c.Class} {LandClasses.NameOf(c.Class)} {Measures.Number(c.Area)} ha")),
        };
        // One quantity per destination class, so a reader needs no parsing of the list.
        foreach (var (code, area) in byClass) values[$"to.{code}"] = Measures.Number(area);
        return new MeasureResult(name, total, events.Count, true, true, values, events);
    }

    private static List<EventRef> Cited(IEnumerable<FarmlandChange> changes) =>
        changes.SelectMany(c => c.Events).DistinctBy(e => e.Sequence).OrderBy(e => e.Sequence).ToList();

    private static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);
}
