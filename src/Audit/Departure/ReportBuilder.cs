using Ledger.Events;
using Ledger.Flows;
using NodaTime;
using static Ledger.Flows.Accounts;

namespace Ledger.Audit.Departure;

/// <summary>Turns audit inputs and a rule set into a report. Pure and deterministic: no clock, no database.</summary>
public static class ReportBuilder
{
    /// <param name="Weights">Points the auditor chose for some modules (within the zone's brackets); null = the defaults.</param>
    public sealed record Issue(Guid ReportId, Instant GeneratedAt, string GeneratedBy, string FunctionalZone,
        IReadOnlyDictionary<string, decimal>? Weights = null);

    public static DepartureReport Build(AuditInputs inputs, RuleSet rules, Issue issue)
    {
        var t = inputs.Tenure;
        var (from, to) = ScoringWindow(rules, t.Start, inputs.End);
        var (points, refused) = rules.Weights(issue.FunctionalZone, issue.Weights);
        if (refused.Count > 0) throw new ArgumentException($"weights: {refused[0].Message}", nameof(issue));
        var modules = new List<ModuleScore>();
        var findings = new List<Finding>();
        foreach (var module in rules.Modules)
        {
            var max = points[module.Id];
            var outcomes = module.Rules.Select(r => Apply(r, module.Id, inputs, from, to, findings)).ToList();
            var deducted = outcomes.Sum(o => o.Deduction);
            // A module's score never exceeds its maximum and never goes below zero, however many rules fail.
            modules.Add(new ModuleScore(module.Id, module.Name, module.NameEn, max, deducted, Math.Clamp(max - deducted, 0, max), outcomes));
        }
        foreach (var flag in rules.Flags) Apply(flag, null, inputs, t.Start, inputs.End, findings);

        var score = Quantities.Normalize(modules.Sum(m => m.Score));
        var grade = rules.GradeFor(score);
        var maps = OverlapMapsOf(findings, inputs);
        return new DepartureReport(issue.ReportId, inputs.Interim, issue.GeneratedAt, issue.GeneratedBy, inputs.KnownAt, inputs.HighWater,
            new RuleSetRef(rules.Id, rules.Version, rules.Title, rules.TitleEn), issue.FunctionalZone, rules.Zones[issue.FunctionalZone], from, to,
            new TenureSection(t.TenureId, t.OfficialId, t.OfficialName, t.Post, t.RegionCode, t.RegionName, t.Start, inputs.End,
                t.EndedOn is not null, t.EndReason, t.Events),
            [.. Indicators(inputs), .. LandQuotaIndicator.For(inputs, rules), .. InOutIndicators.For(inputs, rules)], WaterYears(inputs), modules, score, grade.Grade, grade.GradeEn, findings, issue.Weights)
        {
            OverlapMaps = maps.Count > 0 ? maps : null,
        };
    }

    /// <summary>A small map for every overlap the findings cite (the first <see cref="MaxOverlapMaps"/>), in the order cited.</summary>
    private static List<OverlapMap> OverlapMapsOf(List<Finding> findings, AuditInputs inputs)
    {
        var byId = inputs.Overlaps.ToDictionary(o => o.Id);
        return findings.Where(f => f.Quantities.ContainsKey("overlaps"))
            .SelectMany(f => f.Quantities["overlaps"].Split(", ", StringSplitOptions.RemoveEmptyEntries))
            .Select(Guid.Parse).Distinct().Where(byId.ContainsKey).Take(MaxOverlapMaps)
            .Select(id => byId[id])
            .Select(o => new OverlapMap(o.Id, o.Kind, o.Layer, o.AreaHa, $"{o.Footprint.Domain}/{o.Footprint.Stream}", $"{o.Protected.Domain}/{o.Protected.Stream}",
                o.Shapes.Footprint, o.Shapes.Protected, o.Shapes.Overlap))
            .ToList();
    }

    public const int MaxOverlapMaps = 50;

    /// <summary>The whole tenure, or its last N calendar years when the rule set says so.</summary>
    public static (LocalDate From, LocalDate To) ScoringWindow(RuleSet rules, LocalDate start, LocalDate end)
    {
        if (rules.Window is not { } w) return (start, end);
        var from = new LocalDate(end.Year - w.LastYears + 1, 1, 1);
        return (from > start ? from : start, end);
    }

    private static RuleOutcome Apply(Rule rule, string? module, AuditInputs inputs, LocalDate from, LocalDate to, List<Finding> findings)
    {
        var m = Measures.Compute(rule.Measure, inputs, from, to);
        var threshold = rule.Threshold ?? 0;
        var excess = m.HigherIsWorse ? m.Value - threshold : threshold - m.Value;
        var failed = m.Applicable && excess > 0;
        var deduction = 0m;
        if (failed)
        {
            deduction = rule.Points + rule.PerCase * m.Count + rule.PerUnit * excess;
            if (rule.MaxDeduction is { } cap) deduction = Math.Min(deduction, cap);
            deduction = Quantities.Normalize(decimal.Round(deduction, 2));
            var values = new Dictionary<string, string>(m.Values)
            {
                ["threshold"] = Measures.Number(threshold), ["thresholdPercent"] = Measures.Percent(threshold),
            };
            findings.Add(new Finding($"{findings.Count + 1}", rule.Id, module, rule.Severity, Fill(rule.Statement, values), Fill(rule.StatementEn, values),
                rule.Basis, m.Values, deduction, m.Evidence));
        }
        return new RuleOutcome(rule.Id, rule.Measure, m.Applicable, failed, m.Value, rule.Threshold, deduction);
    }

    private static string Fill(string template, IReadOnlyDictionary<string, string> values) =>
        values.Aggregate(template, (s, kv) => s.Replace("{" + kv.Key + "}", kv.Value, StringComparison.Ordinal));

    private static List<Indicator> Indicators(AuditInputs inputs)
    {
        var (start, end) = (inputs.Tenure.Start, inputs.End);
        var w = new Measures.MeasureWindow(inputs, start, end);
        var binding = Targets.Binding(inputs.Targets, end);
        var list = new List<Indicator>();

        Indicator Stock(string id, string name, string nameEn, string account, decimal? target, bool? compliant, string test,
            IReadOnlyList<IndicatorPart> parts)
        {
            decimal s = w.StockBefore(account, start), e = w.StockAtEnd(account);
            return new Indicator(id, name, nameEn, "ha", s, e, Quantities.Normalize(e - s), target, compliant, test, parts, Series(w, account, start, end));
        }

        var below = Measures.Compute("farmland.belowRetentionTarget", inputs, start, end);
        list.Add(Stock("farmland", "耕地保有量", "Farmland", Accounts.Farmland, binding.Count > 0 ? binding.Sum(t => t.RetentionHa) : null,
            below.Applicable ? below.Value == 0 : null, "期末耕地 ≥ 耕地保有量目标 / farmland at the end ≥ the retention target", []));
        var pbBelow = Measures.Compute("permanentBasic.belowTarget", inputs, start, end);
        list.Add(Stock("permanentBasicFarmland", "永久基本农田", "Permanent basic farmland", PermanentBasicFarmland,
            binding.Count > 0 ? binding.Sum(t => t.PermanentBasicHa) : null, pbBelow.Applicable ? pbBelow.Value == 0 : null,
            "期末永久基本农田 ≥ 保护目标 / permanent basic farmland at the end ≥ its target", []));

        var farmland = w.In(Accounts.Farmland).ToList();
        decimal Sum(Func<FlowFact, bool> p) => Quantities.Normalize(Math.Abs(farmland.Where(p).Sum(f => f.Amount)));
        var legal = Sum(f => f.Cause.StartsWith("occupation-", StringComparison.Ordinal) && f.Cause.EndsWith("-legal", StringComparison.Ordinal));
        var illegal = Sum(f => f.Cause.StartsWith("occupation-", StringComparison.Ordinal) && f.Cause.EndsWith("-illegal", StringComparison.Ordinal));
        var supplemented = Sum(f => f.Cause.StartsWith("supplementation-", StringComparison.Ordinal) || f.Cause == "registration-supplemented");
        var balance = Quantities.Normalize(supplemented - legal - illegal);
        list.Add(new Indicator("occupationBalance", "耕地占补平衡", "Occupation and supplementation (占补平衡)", "ha", null, null, balance, null,
            balance >= 0, "补充耕地 ≥ 占用耕地 / supplemented ≥ occupied",
            [
                new IndicatorPart("occupiedLegal", "依法占用", "occupied with approval", legal),
                new IndicatorPart("occupiedIllegal", "违法占用", "occupied illegally", illegal),
                new IndicatorPart("supplemented", "补充耕地", "supplemented", supplemented),
            ], []));

        var detected = Measures.Compute("redLine.encroachmentsDetected", inputs, start, end);
        var open = Measures.Compute("redLine.encroachmentsOpen", inputs, start, end);
        var redStart = w.StockBefore(RedLine, start);
        var redEnd = w.StockAtEnd(RedLine);
        list.Add(Stock("redLine", "生态保护红线面积", "Ecological red-line area", RedLine, null, redEnd >= redStart && open.Value == 0,
            "面积不减少且离任时无未整改侵占 / no decrease, no open encroachment at departure",
            [
                new IndicatorPart("encroachmentsDetected", "任期内发现侵占", "encroached during the tenure", detected.Value),
                new IndicatorPart("encroachmentsRectified", "任期内整改", "rectified during the tenure", decimal.Parse(detected.Values["rectified"], System.Globalization.CultureInfo.InvariantCulture)),
                new IndicatorPart("encroachmentsOpen", "离任时未整改", "open at departure", open.Value),
            ]));

        var rate = Measures.Compute("mining.reclamationRate", inputs, start, end);
        decimal Part(string key) => decimal.Parse(rate.Values[key], System.Globalization.CultureInfo.InvariantCulture);
        var unStart = w.StockBefore(MiningDamagedUnreclaimed, start);
        var unEnd = w.StockAtEnd(MiningDamagedUnreclaimed);
        list.Add(Stock("miningRestoration", "矿山损毁土地未复垦面积", "Damaged mining land not reclaimed", MiningDamagedUnreclaimed, null, unEnd <= unStart,
            "离任时未复垦面积不高于上任时 / unreclaimed area at departure ≤ at the start",
            [
                new IndicatorPart("damaged", "任期内损毁", "damaged during the tenure", Part("damaged")),
                new IndicatorPart("reclaimed", "任期内复垦", "reclaimed during the tenure", Part("reclaimed")),
                new IndicatorPart("reclamationRate", "复垦率", "reclamation rate", rate.Value),
                new IndicatorPart("miningOccupied", "期末矿山占用土地", "mining land occupied at the end", w.StockAtEnd(MiningOccupied)),
            ]));

        var water = WaterYears(inputs);
        var overuse = Quantities.Normalize(water.Sum(y => y.Overuse));
        list.Add(new Indicator("water", "用水总量", "Total water use", "10^4 m3", null, null, null, Quantities.Normalize(water.Sum(y => y.Quota)),
            overuse == 0, "每个地区每年用水量 ≤ 用水总量控制指标 / each region's use ≤ its quota, every year",
            [
                new IndicatorPart("quota", "控制指标合计", "quota, all years", Quantities.Normalize(water.Sum(y => y.Quota))),
                new IndicatorPart("use", "用水量合计", "use, all years", Quantities.Normalize(water.Sum(y => y.Use))),
                new IndicatorPart("overuse", "超用合计", "overuse, all years", overuse),
            ], water.Select(y => new PointInTime(new LocalDate(y.Year, 12, 31), y.Use)).ToList()));
        return list;
    }

    /// <summary>The stock at the start, at each year end inside the tenure, and at the end: the points of the chart.</summary>
    private static List<PointInTime> Series(Measures.MeasureWindow w, string account, LocalDate start, LocalDate end)
    {
        var points = new List<PointInTime> { new(start, w.StockBefore(account, start)) };
        for (var y = start.Year; y < end.Year; y++)
        {
            var yearEnd = new LocalDate(y, 12, 31);
            if (yearEnd >= start) points.Add(new PointInTime(yearEnd, w.StockBefore(account, yearEnd.PlusDays(1))));
        }
        if (points[^1].Date != end) points.Add(new PointInTime(end, w.StockAtEnd(account)));
        return points;
    }

    /// <summary>Quota, use and overuse per calendar year of the tenure; overuse is per region and year, never netted.</summary>
    private static List<WaterYearLine> WaterYears(AuditInputs inputs) =>
        Enumerable.Range(inputs.Tenure.Start.Year, inputs.End.Year - inputs.Tenure.Start.Year + 1).Select(year =>
        {
            var regions = inputs.Water.Where(f => f.Year == year).GroupBy(f => f.RegionCode)
                .Select(g => (Quota: g.Where(f => f.Account == WaterQuota).Sum(f => f.Amount), Use: g.Where(f => f.Account == WaterUse).Sum(f => f.Amount)))
                .ToList();
            return new WaterYearLine(year, Quantities.Normalize(regions.Sum(r => r.Quota)), Quantities.Normalize(regions.Sum(r => r.Use)),
                Quantities.Normalize(regions.Sum(r => Math.Max(0, r.Use - r.Quota))));
        }).ToList();
}
