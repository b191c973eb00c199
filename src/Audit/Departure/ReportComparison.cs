using System.Globalization;
using NodaTime;

namespace Ledger.Audit.Departure;

public sealed record ValueChange(string Item, string Then, string Now);

public sealed record FindingChange(string RuleId, string Change, string? Then, string? Now);

/// <summary>An event the report did not read: recorded after its knowledge point, with why it matters.</summary>
public sealed record ArrivedEvent(EventRef Event, string Reason);

/// <summary>
/// A stored report beside the same audit as known now. <see cref="Reproducible"/> says the stored
/// report regenerates byte for byte from the ledger at its own knowledge point; the rest says what
/// is different now and which later records made it so.
/// </summary>
public sealed record ReportComparison(Guid ReportId, Instant ThenKnownAt, long ThenHighWater, Instant NowKnownAt, long NowHighWater,
    bool Reproducible, string StoredSha256, string RegeneratedSha256, bool Changed, IReadOnlyList<ValueChange> Changes,
    IReadOnlyList<FindingChange> Findings, IReadOnlyList<ArrivedEvent> Arrived);

public static class ReportDiff
{
    public static (List<ValueChange> Changes, List<FindingChange> Findings) Compare(DepartureReport then, DepartureReport now)
    {
        var changes = new List<ValueChange>();
        void Add(string item, object? a, object? b)
        {
            string A = Text(a), B = Text(b);
            if (A != B) changes.Add(new ValueChange(item, A, B));
        }

        Add("tenure.end", then.Tenure.End, now.Tenure.End);
        foreach (var i in then.Indicators)
        {
            var n = now.Indicators.Single(x => x.Id == i.Id);
            Add($"{i.Id}.start", i.Start, n.Start);
            Add($"{i.Id}.end", i.End, n.End);
            Add($"{i.Id}.change", i.Change, n.Change);
            Add($"{i.Id}.target", i.Target, n.Target);
            Add($"{i.Id}.compliant", i.Compliant, n.Compliant);
            // Parts by id from both sides: where farmland went may name a destination only one side has.
            foreach (var id in i.Parts.Select(p => p.Id).Union(n.Parts.Select(p => p.Id)))
                Add($"{i.Id}.{id}", i.Parts.SingleOrDefault(x => x.Id == id)?.Value, n.Parts.SingleOrDefault(x => x.Id == id)?.Value);
        }
        foreach (var y in then.WaterYears.Select(y => y.Year).Union(now.WaterYears.Select(y => y.Year)).Order())
        {
            WaterYearLine? a = then.WaterYears.SingleOrDefault(x => x.Year == y), b = now.WaterYears.SingleOrDefault(x => x.Year == y);
            Add($"water.{y}.quota", a?.Quota, b?.Quota);
            Add($"water.{y}.use", a?.Use, b?.Use);
            Add($"water.{y}.overuse", a?.Overuse, b?.Overuse);
        }
        foreach (var m in then.Modules) Add($"module.{m.Id}.score", m.Score, now.Modules.Single(x => x.Id == m.Id).Score);
        Add("score", then.Score, now.Score);
        Add("grade", then.Grade, now.Grade);

        var findings = new List<FindingChange>();
        foreach (var rule in then.Findings.Select(f => f.RuleId).Union(now.Findings.Select(f => f.RuleId)))
        {
            Finding? a = then.Findings.SingleOrDefault(f => f.RuleId == rule), b = now.Findings.SingleOrDefault(f => f.RuleId == rule);
            var change = (a, b) switch
            {
                (null, _) => "added",
                (_, null) => "removed",
                _ when a.Statement != b!.Statement || a.Deduction != b.Deduction
                       || !a.Evidence.Select(e => e.Sequence).SequenceEqual(b.Evidence.Select(e => e.Sequence)) => "changed",
                _ => null,
            };
            if (change is not null) findings.Add(new FindingChange(rule, change, a?.Statement, b?.Statement));
        }
        return (changes, findings);
    }

    private static string Text(object? v) => v switch
    {
        null => "—",
        decimal d => Measures.Number(d),
        bool b => b ? "true" : "false",
        LocalDate d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "—",
    };
}
