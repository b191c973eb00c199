using System.Globalization;
using Ledger.Events;
using Ledger.Flows;
using Ledger.Regions;
using NodaTime;
using static Ledger.Flows.Accounts;

namespace Ledger.Audit.Departure;

/// <summary>
/// What a rule can test. <see cref="Value"/> is compared with the rule's threshold: a rule fails
/// when the value is above it (<see cref="HigherIsWorse"/>) or below it (rates). Not applicable
/// (e.g. a reclamation rate with nothing damaged) never fails. <see cref="Values"/> fill the
/// statement templates; <see cref="Evidence"/> are the events behind the figure.
/// </summary>
public sealed record MeasureResult(string Name, decimal Value, int Count, bool Applicable, bool HigherIsWorse,
    IReadOnlyDictionary<string, string> Values, IReadOnlyList<EventRef> Evidence);

/// <summary>The measures a rule set may name, computed from a tenure's inputs over a scoring window [from, to].</summary>
public static class Measures
{
    public static readonly string[] Names =
    [
        "farmland.belowRetentionTarget", "permanentBasic.belowTarget", "occupation.illegal", "occupation.unbalanced", "farmland.netDecrease",
        "water.overuse", "redLine.netDecrease", "redLine.encroachmentsOpen", "redLine.encroachmentsDetected",
        "mining.reclamationRate", "mining.unreclaimed", "records.backDated", "records.corrections", LandQuotaMeasure.Name,
        "region.successions", .. OverlapMeasures.Names, .. InOutMeasures.Names,
    ];

    public static MeasureResult Compute(string name, AuditInputs inputs, LocalDate from, LocalDate to)
    {
        var w = new MeasureWindow(inputs, from, to);
        return name switch
        {
            "farmland.belowRetentionTarget" => w.BelowTarget(name, Accounts.Farmland, t => t.RetentionHa),
            "permanentBasic.belowTarget" => w.BelowTarget(name, PermanentBasicFarmland, t => t.PermanentBasicHa),
            "occupation.illegal" => w.IllegalOccupation(name),
            "occupation.unbalanced" => w.Unbalanced(name),
            "farmland.netDecrease" => w.NetDecrease(name, Accounts.Farmland),
            "water.overuse" => w.Overuse(name),
            "redLine.netDecrease" => w.NetDecrease(name, RedLine),
            "redLine.encroachmentsOpen" => w.OpenEncroachments(name),
            "redLine.encroachmentsDetected" => w.DetectedEncroachments(name),
            "mining.reclamationRate" => w.ReclamationRate(name),
            "mining.unreclaimed" => w.Unreclaimed(name),
            LandQuotaMeasure.Name => LandQuotaMeasure.Compute(name, inputs, from, to),
            _ when OverlapMeasures.Names.Contains(name) => OverlapMeasures.Compute(name, inputs, from, to),
            _ when InOutMeasures.Names.Contains(name) => InOutMeasures.Compute(name, inputs, from, to),
            "records.backDated" => Events(name, inputs.Recorded.Where(e => IsBackDated(e, inputs.LateFrom)).ToList(),
                ("days", Period.Between(inputs.LateFrom, inputs.End, PeriodUnits.Days).Days.ToString(CultureInfo.InvariantCulture))),
            "records.corrections" => Events(name, inputs.Recorded.Where(e => Investigations.EventSearch.CorrectionTypes.Contains(e.Type)).ToList()),
            "region.successions" => Events(name, inputs.Successions ?? [],
                ("codes", string.Join(", ", (inputs.Successions ?? []).Select(e => e.Stream)))),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown measure"),
        };
    }

    /// <summary>
    /// Recorded (Beijing date) after the tenure's last weeks began, and taking effect before the
    /// day it was recorded. A report filed on the day it describes is not back-dated; the tenure's
    /// own start and end records change no figure and are not flagged.
    /// </summary>
    public static bool IsBackDated(EventRef e, LocalDate lateFrom)
    {
        var recorded = e.RecordedAt.InZone(AuditReader.LedgerZone).Date;
        return recorded > lateFrom && e.EffectiveDate < recorded && e.Domain != "tenure";
    }

    public static string Number(decimal d) => Quantities.Normalize(decimal.Round(d, 4)).ToString(CultureInfo.InvariantCulture);

    public static string Percent(decimal rate) => $"{Quantities.Normalize(decimal.Round(rate * 100, 2)).ToString(CultureInfo.InvariantCulture)}%";

    private static MeasureResult Events(string name, IReadOnlyList<EventRef> events, params (string, string)[] extra)
    {
        var values = new Dictionary<string, string> { ["count"] = events.Count.ToString(CultureInfo.InvariantCulture) };
        foreach (var (k, v) in extra) values[k] = v;
        return new MeasureResult(name, events.Count, events.Count, true, true, values, events);
    }

    /// <summary>Stocks and flows of one scoring window. Stocks at a date are the opening plus every flow effective by then.</summary>
    internal sealed class MeasureWindow(AuditInputs inputs, LocalDate from, LocalDate to)
    {
        public IEnumerable<FlowFact> In(string account) =>
            inputs.Flows.Where(f => f.Account == account && f.Event.EffectiveDate >= from && f.Event.EffectiveDate <= to);

        public decimal StockBefore(string account, LocalDate date) =>
            Quantities.Normalize(inputs.Opening.Where(o => o.Account == account).Sum(o => o.Amount)
                + inputs.Flows.Where(f => f.Account == account && f.Event.EffectiveDate >= inputs.Tenure.Start && f.Event.EffectiveDate < date).Sum(f => f.Amount));

        public decimal StockAtEnd(string account) => StockBefore(account, to.PlusDays(1));

        private static IReadOnlyList<EventRef> Refs(IEnumerable<FlowFact> flows) =>
            flows.Select(f => f.Event).DistinctBy(e => e.Sequence).OrderBy(e => e.Sequence).ToList();

        public MeasureResult BelowTarget(string name, string account, Func<TargetFact, decimal> target)
        {
            var binding = Targets.Binding(inputs.Targets, to);
            if (binding.Count == 0)
                return new MeasureResult(name, 0, 0, false, true, new Dictionary<string, string> { ["end"] = Number(StockAtEnd(account)), ["target"] = "—" }, []);
            // Each binding target's shortfall on its own region, summed: one county's surplus does not pay another's debt.
            var gaps = binding.Select(t => target(t) - StockIn(account, t.RegionCode)).Where(g => g > 0).Sum();
            var evidence = binding.Select(t => t.Event).Concat(Refs(In(account).Where(f => f.Amount < 0))).OrderBy(e => e.Sequence).ToList();
            return new MeasureResult(name, Quantities.Normalize(gaps), binding.Count, true, true, new Dictionary<string, string>
            {
                ["end"] = Number(StockAtEnd(account)), ["target"] = Number(binding.Sum(target)), ["value"] = Number(gaps),
            }, evidence);
        }

        /// <summary>A stock at the window's end inside one region (a binding target's own region).</summary>
        private decimal StockIn(string account, string region) =>
            Quantities.Normalize(inputs.Opening.Where(o => o.Account == account && RegionCodes.Contains(region, o.RegionCode)).Sum(o => o.Amount)
                + inputs.Flows.Where(f => f.Account == account && RegionCodes.Contains(region, f.RegionCode)
                    && f.Event.EffectiveDate >= inputs.Tenure.Start && f.Event.EffectiveDate <= to).Sum(f => f.Amount));

        public MeasureResult IllegalOccupation(string name)
        {
            var flows = In(Accounts.Farmland).Where(f => f.Cause.StartsWith("occupation-", StringComparison.Ordinal) && f.Cause.EndsWith("-illegal", StringComparison.Ordinal)).ToList();
            var area = -flows.Sum(f => f.Amount);
            var refs = Refs(flows);
            return new MeasureResult(name, Quantities.Normalize(area), refs.Count, true, true, new Dictionary<string, string>
            {
                ["count"] = refs.Count.ToString(CultureInfo.InvariantCulture), ["value"] = Number(area),
            }, refs);
        }

        public MeasureResult Unbalanced(string name)
        {
            var occupied = In(Accounts.Farmland).Where(f => f.Cause.StartsWith("occupation-", StringComparison.Ordinal)).ToList();
            var supplemented = In(Accounts.Farmland).Where(f => f.Cause.StartsWith("supplementation-", StringComparison.Ordinal) || f.Cause == "registration-supplemented").ToList();
            decimal o = -occupied.Sum(f => f.Amount), s = supplemented.Sum(f => f.Amount);
            var gap = Math.Max(0, o - s);
            return new MeasureResult(name, Quantities.Normalize(gap), occupied.Count, true, true, new Dictionary<string, string>
            {
                ["occupied"] = Number(o), ["supplemented"] = Number(s), ["value"] = Number(gap),
            }, Refs(occupied.Concat(supplemented)));
        }

        public MeasureResult NetDecrease(string name, string account)
        {
            decimal start = StockBefore(account, from), end = StockAtEnd(account);
            // Land that changed region by a succession was not lost by anyone's decision.
            var moved = In(account).Where(f => f.Cause == RegionScope.TransferCause).Sum(f => f.Amount);
            var decrease = Math.Max(0, start - end + moved);
            return new MeasureResult(name, Quantities.Normalize(decrease), 0, true, true, new Dictionary<string, string>
            {
                ["start"] = Number(start), ["end"] = Number(end), ["value"] = Number(decrease),
            }, decrease > 0 ? Refs(In(account).Where(f => f.Amount < 0 && f.Cause != RegionScope.TransferCause)) : []);
        }

        public MeasureResult Overuse(string name)
        {
            var years = inputs.Water.Where(f => f.Year >= from.Year && f.Year <= to.Year).GroupBy(f => (f.RegionCode, Year: f.Year!.Value))
                .Select(g => (g.Key, Quota: g.Where(f => f.Account == WaterQuota).Sum(f => f.Amount), Use: g.Where(f => f.Account == WaterUse).Sum(f => f.Amount), Flows: g.ToList()))
                .Where(y => y.Use > y.Quota).OrderBy(y => y.Key.Year).ThenBy(y => y.Key.RegionCode, StringComparer.Ordinal).ToList();
            var total = years.Sum(y => y.Use - y.Quota);
            return new MeasureResult(name, Quantities.Normalize(total), years.Count, true, true, new Dictionary<string, string>
            {
                ["count"] = years.Count.ToString(CultureInfo.InvariantCulture), ["value"] = Number(total),
                ["years"] = string.Join("；", years.Select(y => $"{y.Key.RegionCode} {y.Key.Year}: {Number(y.Use)} > {Number(y.Quota)}")),
            }, Refs(years.SelectMany(y => y.Flows)));
        }

        /// <summary>Open area per zone at the end: every detection minus every rectification, from the zone's first encroachment.</summary>
        public MeasureResult OpenEncroachments(string name)
        {
            var zones = inputs.Flows.Where(f => f.Account == RedLineEncroachedOpen && f.Event.EffectiveDate <= to)
                .GroupBy(f => f.StreamId).Select(g => (Zone: g.Key, Open: g.Sum(f => f.Amount), Flows: g.ToList()))
                .Where(z => z.Open > 0).OrderBy(z => z.Zone, StringComparer.Ordinal).ToList();
            var open = zones.Sum(z => z.Open);
            return new MeasureResult(name, Quantities.Normalize(open), zones.Count, true, true, new Dictionary<string, string>
            {
                ["count"] = zones.Count.ToString(CultureInfo.InvariantCulture), ["value"] = Number(open),
            }, Refs(zones.SelectMany(z => z.Flows)));
        }

        public MeasureResult DetectedEncroachments(string name)
        {
            var detected = In(RedLineEncroachedOpen).Where(f => f.Amount > 0).ToList();
            var rectified = -In(RedLineEncroachedOpen).Where(f => f.Amount < 0).Sum(f => f.Amount);
            var area = detected.Sum(f => f.Amount);
            return new MeasureResult(name, Quantities.Normalize(area), detected.Count, true, true, new Dictionary<string, string>
            {
                ["count"] = detected.Count.ToString(CultureInfo.InvariantCulture), ["value"] = Number(area), ["rectified"] = Number(rectified),
            }, Refs(In(RedLineEncroachedOpen)));
        }

        public MeasureResult ReclamationRate(string name)
        {
            var flows = In(MiningDamagedUnreclaimed).ToList();
            decimal damaged = flows.Where(f => f.Amount > 0).Sum(f => f.Amount), reclaimed = -flows.Where(f => f.Amount < 0).Sum(f => f.Amount);
            var rate = damaged == 0 ? 0 : decimal.Round(reclaimed / damaged, 4);
            return new MeasureResult(name, rate, flows.Count, damaged > 0, false, new Dictionary<string, string>
            {
                ["damaged"] = Number(damaged), ["reclaimed"] = Number(reclaimed), ["value"] = Number(rate), ["percent"] = damaged == 0 ? "—" : Percent(rate),
            }, Refs(flows));
        }

        public MeasureResult Unreclaimed(string name)
        {
            var end = StockAtEnd(MiningDamagedUnreclaimed);
            var sites = In(MiningDamagedUnreclaimed).GroupBy(f => f.StreamId).Where(g => g.Sum(f => f.Amount) > 0).SelectMany(g => g);
            return new MeasureResult(name, end, 0, true, true, new Dictionary<string, string>
            {
                ["start"] = Number(StockBefore(MiningDamagedUnreclaimed, from)), ["value"] = Number(end),
            }, end > 0 ? Refs(sites) : []);
        }
    }
}
