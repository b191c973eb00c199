using NodaTime;

namespace Ledger.Audit.Departure;

/// <summary>
/// A departure-audit report (领导干部自然资源资产离任审计报告). Everything in it is derived from
/// the tenure, the events within <see cref="KnownAt"/> and <see cref="HighWater"/>, and the named
/// rule set, so the same inputs always give byte-identical JSON.
/// </summary>
public sealed record DepartureReport(
    Guid ReportId,
    bool Interim,
    Instant GeneratedAt,
    string GeneratedBy,
    Instant KnownAt,
    long HighWater,
    RuleSetRef RuleSet,
    string FunctionalZone,
    string FunctionalZoneName,
    LocalDate ScoringFrom,
    LocalDate ScoringTo,
    TenureSection Tenure,
    IReadOnlyList<Indicator> Indicators,
    IReadOnlyList<WaterYearLine> WaterYears,
    IReadOnlyList<ModuleScore> Modules,
    decimal Score,
    string Grade,
    string GradeEn,
    IReadOnlyList<Finding> Findings,
    IReadOnlyDictionary<string, decimal>? ChosenWeights)
{
    /// <summary>
    /// Maps of the overlaps the findings cite (rule sets with overlap rules). Left out of the JSON
    /// when there are none, so reports issued before it existed regenerate byte for byte.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<OverlapMap>? OverlapMaps { get; init; }
}

public sealed record RuleSetRef(string Id, string Version, string Title, string TitleEn);

public sealed record TenureSection(string TenureId, string OfficialId, string OfficialName, string Post, string RegionCode, string RegionName,
    LocalDate Start, LocalDate End, bool Ended, string? EndReason, IReadOnlyList<EventRef> Evidence);

/// <summary>
/// One indicator across the tenure: value at start and end, change, the binding target and
/// compliance (null when there is nothing to comply with), named parts, and the value at each
/// year end for the charts.
/// </summary>
public sealed record Indicator(string Id, string Name, string NameEn, string Unit, decimal? Start, decimal? End, decimal? Change,
    decimal? Target, bool? Compliant, string Test, IReadOnlyList<IndicatorPart> Parts, IReadOnlyList<PointInTime> Series);

public sealed record IndicatorPart(string Id, string Name, string NameEn, decimal Value);

public sealed record PointInTime(LocalDate Date, decimal Value);

public sealed record WaterYearLine(int Year, decimal Quota, decimal Use, decimal Overuse);

public sealed record ModuleScore(string Id, string Name, string NameEn, decimal MaxPoints, decimal Deducted, decimal Score, IReadOnlyList<RuleOutcome> Rules);

/// <param name="Value">The measure's value (ha, 10⁴ m³, a rate or a count).</param>
public sealed record RuleOutcome(string RuleId, string Measure, bool Applicable, bool Failed, decimal Value, decimal? Threshold, decimal Deduction);

/// <summary>A statement the report makes, in Chinese and English, with its quantities and the events that prove it.</summary>
public sealed record Finding(string Id, string RuleId, string? Module, string Severity, string Statement, string StatementEn, string Basis,
    IReadOnlyDictionary<string, string> Quantities, decimal Deduction, IReadOnlyList<EventRef> Evidence);
