using System.Globalization;
using Ledger.Audit.Departure;
using NodaTime;

namespace Ledger.Audit.Reports;

/// <summary>Words and number formats shared by the HTML, PDF and XLSX renderings, so they say the same thing.</summary>
public static class ReportText
{
    public const string Title = "领导干部自然资源资产离任审计报告";
    public const string TitleEn = "Natural-resource departure audit of a leading official";
    public const string InterimMark = "期中审计（任期未结束） · Interim audit: the tenure has not ended";

    /// <summary>In the PDF, at most this many evidence rows per finding; the JSON and XLSX list all of them.</summary>
    public const int PdfEvidencePerFinding = 40;

    public static string Post(string post) => post switch
    {
        "party-secretary" => "党委书记 party secretary",
        "government-head" => "政府主要负责人 government head",
        _ => post,
    };

    public static string Severity(string severity) => severity switch
    {
        "high" => "严重 high",
        "medium" => "较重 medium",
        "low" => "一般 low",
        _ => "提示 info",
    };

    public static string Compliance(bool? compliant) => compliant switch
    {
        true => "达标 met",
        false => "未达标 not met",
        null => "无约束目标 no binding target",
    };

    public static string Num(decimal? d) => d is { } v ? Measures.Number(v) : "—";

    public static string Date(LocalDate d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Instant(Instant i) => i.ToString("uuuu-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Rate(decimal d) => Measures.Percent(d);

    /// <summary>A part's value as shown: rates as percentages, the rest as quantities.</summary>
    public static string Part(IndicatorPart p) => p.Id == "reclamationRate" ? Rate(p.Value) : Num(p.Value);

    public static string Evidence(EventRef e) =>
        $"{e.Domain}/{e.Stream} v{e.Version} · {e.Type} · {Date(e.EffectiveDate)} · {Instant(e.RecordedAt)} · {e.Client} · {e.EventId}";

    public static IReadOnlyList<(string Label, string Value)> Facts(DepartureReport r) =>
    [
        ("被审计人 Official", $"{r.Tenure.OfficialName}（{r.Tenure.OfficialId}）"),
        ("职务 Post", Post(r.Tenure.Post)),
        ("地区 Region", $"{r.Tenure.RegionName}（{r.Tenure.RegionCode}）"),
        ("任期编号 Tenure id", r.Tenure.TenureId),
        ("任期 Tenure", $"{Date(r.Tenure.Start)} — {Date(r.Tenure.End)}{(r.Tenure.Ended ? "" : "（未结束 not ended）")}"),
        ("评分期间 Scoring period", $"{Date(r.ScoringFrom)} — {Date(r.ScoringTo)}"),
        ("主体功能区 Functional zone", $"{r.FunctionalZoneName}（{r.FunctionalZone}）"),
        ("评价规则 Rule set", $"{r.RuleSet.Title}（{r.RuleSet.Id}@{r.RuleSet.Version}）"),
        ("模块分值 Module points", (r.ChosenWeights is null ? "默认 default: " : "审计人员选定 chosen: ")
            + string.Join(", ", r.Modules.Select(m => $"{m.Id} {Num(m.MaxPoints)}"))),
        ("数据截至 Known at", Instant(r.KnownAt)),
        ("事件高水位 High-water mark", $"{r.HighWater}"),
        ("报告编号 Report", r.ReportId.ToString()),
        ("生成 Generated", $"{Instant(r.GeneratedAt)} · {r.GeneratedBy}"),
    ];
}
