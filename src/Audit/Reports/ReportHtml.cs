using System.Globalization;
using System.Net;
using System.Text;
using Ledger.Audit.Departure;

namespace Ledger.Audit.Reports;

/// <summary>A printable Chinese HTML report (English alongside), self-contained: inline CSS and SVG charts, no scripts.</summary>
public static class ReportHtml
{
    public static string Render(DepartureReport r, string sha256)
    {
        var h = new StringBuilder();
        h.Append($"""
            <!doctype html>
            <html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{E(ReportText.Title)} · {E(r.Tenure.OfficialName)} · {E(r.Tenure.RegionName)}</title>
            <style>
            {Css}
            </style></head><body>
            <header><h1>{E(ReportText.Title)}</h1><p class="en">{E(ReportText.TitleEn)}</p></header>
            """);
        if (r.Interim) h.Append($"<p class=\"interim\">{E(ReportText.InterimMark)}</p>");

        h.Append("<h2>基本情况 <span class=\"en\">Tenure</span></h2><table>");
        foreach (var (label, value) in ReportText.Facts(r)) h.Append($"<tr><th scope=\"row\">{E(label)}</th><td>{E(value)}</td></tr>");
        h.Append("</table>");

        h.Append($"""
            <h2>评价结果 <span class="en">Result</span></h2>
            <p>总分 <span class="en">Score</span>：<span class="grade">{ReportText.Num(r.Score)}</span> · 等次 <span class="en">Grade</span>：<span class="grade">{E(r.Grade)}</span> <span class="en">({E(r.GradeEn)})</span></p>
            <table><thead><tr><th scope="col">模块 Module</th><th scope="col">满分 Max</th><th scope="col">扣分 Deducted</th><th scope="col">得分 Score</th><th scope="col">规则 Rules</th></tr></thead><tbody>
            """);
        foreach (var m in r.Modules)
        {
            var rules = string.Join("；", m.Rules.Select(o => $"{o.RuleId} {(o.Failed ? $"−{ReportText.Num(o.Deduction)}" : o.Applicable ? "✓" : "n/a")}"));
            h.Append($"<tr><td>{E(m.Name)} <span class=\"en\">{E(m.NameEn)}</span></td><td class=\"n\">{ReportText.Num(m.MaxPoints)}</td><td class=\"n\">{ReportText.Num(m.Deducted)}</td><td class=\"n\">{ReportText.Num(m.Score)}</td><td>{E(rules)}</td></tr>");
        }
        h.Append("</tbody></table>");

        h.Append("""
            <h2>指标 <span class="en">Indicators</span></h2>
            <table><thead><tr><th scope="col">指标 Indicator</th><th scope="col">单位 Unit</th><th scope="col">任期初 Start</th><th scope="col">任期末 End</th><th scope="col">变化 Change</th><th scope="col">约束目标 Target</th><th scope="col">是否达标 Compliance</th></tr></thead><tbody>
            """);
        foreach (var i in r.Indicators)
        {
            var cls = i.Compliant == false ? " class=\"bad\"" : i.Compliant == true ? " class=\"ok\"" : "";
            h.Append($"<tr><td>{E(i.Name)} <span class=\"en\">{E(i.NameEn)}</span><br><span class=\"en\">{E(i.Test)}</span></td><td>{E(i.Unit)}</td><td class=\"n\">{ReportText.Num(i.Start)}</td><td class=\"n\">{ReportText.Num(i.End)}</td><td class=\"n\">{ReportText.Num(i.Change)}</td><td class=\"n\">{ReportText.Num(i.Target)}</td><td{cls}>{E(ReportText.Compliance(i.Compliant))}</td></tr>");
            foreach (var p in i.Parts)
                h.Append($"<tr><td>　· {E(p.Name)} <span class=\"en\">{E(p.NameEn)}</span></td><td></td><td></td><td class=\"n\">{E(ReportText.Part(p))}</td><td></td><td></td><td></td></tr>");
        }
        h.Append("</tbody></table>");

        h.Append("<h3>用水总量分年度 <span class=\"en\">Water by year (10⁴ m³)</span></h3><table><thead><tr><th scope=\"col\">年度 Year</th><th scope=\"col\">控制指标 Quota</th><th scope=\"col\">用水量 Use</th><th scope=\"col\">超用 Overuse</th></tr></thead><tbody>");
        foreach (var y in r.WaterYears)
            h.Append($"<tr><td>{y.Year}</td><td class=\"n\">{ReportText.Num(y.Quota)}</td><td class=\"n\">{ReportText.Num(y.Use)}</td><td class=\"n{(y.Overuse > 0 ? " bad" : "")}\">{ReportText.Num(y.Overuse)}</td></tr>");
        h.Append("</tbody></table>");

        h.Append("<h2>图表 <span class=\"en\">Charts</span></h2>");
        foreach (var i in r.Indicators.Where(i => i.Series.Count > 0 && i.Id != "water"))
            h.Append(Figure($"{i.Name} {i.NameEn} ({i.Unit})", Chart.Stock(i.Series)));
        h.Append(Figure("用水总量与控制指标 Water use against quota (10⁴ m³)", Chart.Water(r.WaterYears)));

        h.Append("<h2>审计发现 <span class=\"en\">Findings</span></h2>");
        if (r.Findings.Count == 0) h.Append("<p>未发现问题。<span class=\"en\">No findings.</span></p>");
        foreach (var f in r.Findings)
        {
            h.Append($"""
                <section class="finding{(f.Severity == "info" ? " info" : "")}" id="finding-{E(f.Id)}">
                <h3>发现 {E(f.Id)} · {E(f.RuleId)} · {E(ReportText.Severity(f.Severity))}{(f.Deduction > 0 ? $" · 扣 {ReportText.Num(f.Deduction)} 分" : "")}</h3>
                <p>{E(f.Statement)}<br><span class="en">{E(f.StatementEn)}</span></p>
                <p class="en">依据 Basis: {E(f.Basis)}</p>
                <table class="evidence"><caption>证据 Evidence ({f.Evidence.Count})</caption><thead><tr><th scope="col">流 Stream</th><th scope="col">版本 Version</th><th scope="col">类型 Type</th><th scope="col">生效 Effective</th><th scope="col">记录 Recorded</th><th scope="col">提交方 Client</th><th scope="col">事件 Event id</th></tr></thead><tbody>
                """);
            foreach (var e in f.Evidence)
                h.Append($"<tr><td>{E(e.Domain)}/{E(e.Stream)}</td><td class=\"n\">{e.Version}</td><td>{E(e.Type)}</td><td>{ReportText.Date(e.EffectiveDate)}</td><td>{ReportText.Instant(e.RecordedAt)}</td><td>{E(e.Client)}</td><td>{e.EventId}</td></tr>");
            h.Append("</tbody></table>");
            foreach (var map in OverlapMaps.Of(r, f))
                h.Append(Figure(OverlapMaps.Caption(map), Chart.OverlapMap(map)));
            h.Append("</section>");
        }

        h.Append($"<footer>本报告内容由账本事件按所列规则计算，可按报告编号、数据截至时间与事件高水位重新生成。 This report is computed from the ledger's events under the named rule set and regenerates identically from its id, knowledge time and high-water mark. SHA-256 of the JSON: {E(sha256)}</footer></body></html>");
        return h.ToString();
    }

    /// <summary>Shared with the workbench pages, which show the same report on screen.</summary>
    public const string Css = """
            body{font-family:"Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;color:#1f2937;max-width:960px;margin:2rem auto;padding:0 1rem;line-height:1.5}
            h1{font-size:1.6rem;margin-bottom:0} h2{font-size:1.2rem;border-bottom:2px solid #1d4ed8;padding-bottom:.2rem;margin-top:2rem}
            .en{color:#4b5563;font-size:.9em} .interim{background:#fef3c7;border:1px solid #b45309;padding:.5rem;font-weight:bold}
            table{border-collapse:collapse;width:100%;margin:.5rem 0;font-size:.9rem} th,td{border:1px solid #9ca3af;padding:.25rem .4rem;text-align:left;vertical-align:top}
            th{background:#eef2ff} td.n{text-align:right;font-variant-numeric:tabular-nums} .bad{color:#b91c1c;font-weight:bold} .ok{color:#166534}
            .grade{font-size:1.4rem;font-weight:bold} .finding{border-left:4px solid #b91c1c;padding:.2rem .8rem;margin:1rem 0} .finding.info{border-color:#6b7280}
            .evidence{font-size:.8rem} .evidence td{word-break:break-all} figure{margin:.5rem 0;break-inside:avoid} figcaption{font-size:.85rem}
            svg.chart{max-width:480px}
            footer{margin-top:2rem;font-size:.8rem;color:#4b5563;word-break:break-all}
            @media print{body{margin:0;max-width:none} h2{break-after:avoid} .finding{break-inside:avoid}}
        """;

    /// <summary>
    /// A chart as an inline SVG figure with its caption as the accessible name (the workbench draws its charts with this too).
    /// Its width is capped by the stylesheets' <c>svg.chart</c> (<see cref="Chart.Width"/>), not a style attribute: the
    /// workbench's Content-Security-Policy refuses inline style attributes.
    /// </summary>
    public static string Figure(string caption, IReadOnlyList<Shape> shapes, float height = Chart.Height)
    {
        var s = new StringBuilder($"<figure><svg role=\"img\" aria-label=\"{E(caption)}\" viewBox=\"0 0 {Chart.Width} {F(height)}\" width=\"100%\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\">");
        foreach (var shape in shapes)
            s.Append(shape switch
            {
                LineShape l => $"<line x1=\"{F(l.X1)}\" y1=\"{F(l.Y1)}\" x2=\"{F(l.X2)}\" y2=\"{F(l.Y2)}\" stroke=\"{l.Color}\" stroke-width=\"{F(l.Width)}\"/>",
                RectShape r => $"<rect x=\"{F(r.X)}\" y=\"{F(r.Y)}\" width=\"{F(r.W)}\" height=\"{F(Math.Max(0, r.H))}\" fill=\"{r.Color}\"/>",
                DotShape d => $"<circle cx=\"{F(d.X)}\" cy=\"{F(d.Y)}\" r=\"{F(d.R)}\" fill=\"{d.Color}\"/>",
                TextShape t => $"<text x=\"{F(t.X)}\" y=\"{F(t.Y)}\" font-size=\"{F(t.Size)}\" fill=\"{t.Color}\" text-anchor=\"{t.Anchor}\">{E(t.Text)}</text>",
                PolygonShape g => $"<path fill-rule=\"evenodd\" fill=\"{g.Fill}\" fill-opacity=\"{F(g.Opacity)}\" stroke=\"{g.Stroke}\" stroke-width=\"1\" d=\"" +
                                  string.Concat(g.Rings.Select(r => "M" + string.Join("L", r.Select(p => $"{F(p.X)} {F(p.Y)}")) + "Z")) + "\"/>",
                _ => "",
            });
        return s.Append($"</svg><figcaption>{E(caption)}</figcaption></figure>").ToString();
    }

    private static string F(float v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
