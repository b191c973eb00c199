using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ledger.Audit.Departure;

/// <summary>
/// A versioned scoring rule set, kept as data (RuleSets/*.json, embedded in the assembly): which
/// measures count, how many points each module is worth in each main functional zone, what each
/// failure deducts, the grade thresholds and the statement templates. Changing the scoring means
/// adding a new rule-set version, not changing code; an issued report names the version it used.
/// </summary>
public sealed record RuleSet(
    string Id,
    string Version,
    string Title,
    string TitleEn,
    string DefaultZone,
    IReadOnlyDictionary<string, string> Zones,
    ScoringWindow? Window,
    int BackDatingDays,
    IReadOnlyList<GradeBand> Grades,
    IReadOnlyList<RuleModule> Modules,
    IReadOnlyList<Rule> Flags)
{
    /// <summary>The name a request and a report use: <c>national@2026.1</c>.</summary>
    public string Key => $"{Id}@{Version}";

    /// <summary>
    /// The points each module is worth for a zone and an auditor's optional choices, or why the
    /// choices are refused (as field, message pairs): each within its bracket, all adding up to 100.
    /// </summary>
    public (IReadOnlyDictionary<string, decimal> Points, IReadOnlyList<(string Field, string Message)> Errors) Weights(string zone,
        IReadOnlyDictionary<string, decimal>? chosen)
    {
        var errors = new List<(string, string)>();
        foreach (var id in (chosen?.Keys ?? []).Where(k => Modules.All(m => m.Id != k)))
            errors.Add(($"weights.{id}", $"is not a module of {Key}: {string.Join(", ", Modules.Select(m => m.Id))}"));
        var points = new Dictionary<string, decimal>();
        foreach (var m in Modules)
        {
            var b = m.Points[zone];
            if (chosen is not null && chosen.TryGetValue(m.Id, out var c))
            {
                if (c < b.Min || c > b.Max) errors.Add(($"weights.{m.Id}", $"must be from {b.Min} to {b.Max} in zone {zone}"));
                points[m.Id] = c;
            }
            else points[m.Id] = b.Default;
        }
        if (errors.Count == 0 && points.Values.Sum() != 100)
            errors.Add(("weights", $"the modules' points add up to {points.Values.Sum()}, not 100 ({string.Join(", ", points.Select(p => $"{p.Key} {p.Value}"))})"));
        return (points, errors);
    }

    public GradeBand GradeFor(decimal score) => Grades.OrderByDescending(g => g.Min).First(g => score >= g.Min);
}

/// <summary>Score only the last <see cref="LastYears"/> calendar years of a longer tenure (some counties' rules).</summary>
public sealed record ScoringWindow(int LastYears);

public sealed record GradeBand(decimal Min, string Grade, string GradeEn);

/// <param name="Points">
/// Per main functional zone (主体功能区), the bracket of maximum points an auditor may choose for
/// the module, and the default; a module's score never exceeds the points chosen.
/// </param>
public sealed record RuleModule(string Id, string Name, string NameEn, IReadOnlyDictionary<string, PointBracket> Points, IReadOnlyList<Rule> Rules);

/// <summary>The weights an auditor may give a module in one zone: any value from <see cref="Min"/> to <see cref="Max"/>; <see cref="Default"/> when none is chosen.</summary>
public sealed record PointBracket(decimal Min, decimal Max, decimal Default);

/// <summary>
/// One check: the rule fails when its measure's value is beyond the threshold (above it for
/// amounts, below it for rates). A failure deducts <c>points + perCase × cases + perUnit × excess</c>,
/// at most <see cref="MaxDeduction"/>.
/// </summary>
public sealed record Rule(
    string Id,
    string Measure,
    string Severity,
    decimal? Threshold,
    decimal Points,
    decimal PerCase,
    decimal PerUnit,
    decimal? MaxDeduction,
    string Statement,
    string StatementEn,
    string Basis);

public static class RuleSets
{
    public const string Default = "national@2026.3";
    public static readonly string[] Severities = ["high", "medium", "low", "info"];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    private static readonly Lazy<IReadOnlyDictionary<string, RuleSet>> Shipped = new(LoadShipped);

    public static IReadOnlyDictionary<string, RuleSet> All => Shipped.Value;

    public static RuleSet? Find(string key) => All.GetValueOrDefault(key);

    public static RuleSet Parse(string json)
    {
        var set = JsonSerializer.Deserialize<RuleSet>(json, Json) ?? throw new InvalidDataException("empty rule set");
        var problems = Validate(set).ToList();
        return problems.Count == 0 ? set : throw new InvalidDataException($"rule set {set.Key}: {string.Join("; ", problems)}");
    }

    /// <summary>A rule set that does not hold together is refused at start, not discovered in a report.</summary>
    public static IEnumerable<string> Validate(RuleSet s)
    {
        if (!s.Zones.ContainsKey(s.DefaultZone)) yield return $"defaultZone {s.DefaultZone} is not among the zones";
        foreach (var zone in s.Zones.Keys)
        {
            foreach (var m in s.Modules.Where(m => !m.Points.ContainsKey(zone)))
                yield return $"module {m.Id} has no points for zone {zone}";
            var brackets = s.Modules.Where(m => m.Points.ContainsKey(zone)).Select(m => (m.Id, B: m.Points[zone])).ToList();
            foreach (var (id, b) in brackets.Where(x => !(0 <= x.B.Min && x.B.Min <= x.B.Default && x.B.Default <= x.B.Max)))
                yield return $"module {id} in zone {zone}: the bracket must hold 0 ≤ min ≤ default ≤ max";
            var total = brackets.Sum(x => x.B.Default);
            if (total != 100) yield return $"the modules' default points for zone {zone} add up to {total}, not 100";
            if (brackets.Sum(x => x.B.Min) > 100 || brackets.Sum(x => x.B.Max) < 100)
                yield return $"no choice of points within the brackets of zone {zone} adds up to 100";
        }
        if (s.Grades.Count == 0 || s.Grades.Min(g => g.Min) != 0) yield return "the grade bands must start at 0";
        if (s.Window is { LastYears: < 1 }) yield return "window.lastYears must be at least 1";
        if (s.BackDatingDays < 0) yield return "backDatingDays must not be negative";
        var rules = s.Modules.SelectMany(m => m.Rules).Concat(s.Flags).ToList();
        foreach (var dup in rules.GroupBy(r => r.Id).Where(g => g.Count() > 1)) yield return $"rule id {dup.Key} is used twice";
        foreach (var r in rules)
        {
            if (!Measures.Names.Contains(r.Measure)) yield return $"rule {r.Id}: unknown measure {r.Measure}";
            if (!Severities.Contains(r.Severity)) yield return $"rule {r.Id}: severity must be one of {string.Join(", ", Severities)}";
            if (r.Points < 0 || r.PerCase < 0 || r.PerUnit < 0 || r.MaxDeduction < 0) yield return $"rule {r.Id}: deductions must not be negative";
        }
        foreach (var r in s.Flags.Where(r => r.Points != 0 || r.PerCase != 0 || r.PerUnit != 0))
            yield return $"flag {r.Id} deducts points; flags only report";
    }

    private static IReadOnlyDictionary<string, RuleSet> LoadShipped()
    {
        var assembly = typeof(RuleSets).Assembly;
        var sets = new Dictionary<string, RuleSet>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.Contains(".RuleSets.") && n.EndsWith(".json")).Order())
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            var set = Parse(reader.ReadToEnd());
            sets.Add(set.Key, set);
        }
        return sets;
    }
}
