using Ledger.Audit.Departure;
using SkiaSharp;

namespace Ledger.Audit.Reports;

/// <summary>The report as an A4 PDF: the HTML's sections and charts, with evidence lists shortened (the JSON and XLSX hold all of it).</summary>
public static class ReportPdf
{
    public static byte[] Render(DepartureReport r, string sha256)
    {
        using var output = new MemoryStream();
        var metadata = new SKDocumentPdfMetadata
        {
            Title = $"{ReportText.Title} {r.Tenure.OfficialName} {r.Tenure.RegionName}",
            Author = r.GeneratedBy,
            Subject = r.ReportId.ToString(),
            Creator = "land-resource ledger",
            // Fixed dates keep the same report's PDF the same bytes on every fetch.
            Creation = r.GeneratedAt.ToDateTimeUtc(),
            Modified = r.GeneratedAt.ToDateTimeUtc(),
        };
        using (var pdf = new PdfCanvas(output, metadata, $"{r.ReportId} · SHA-256 {sha256[..16]}…"))
        {
            pdf.Text(ReportText.Title, 18, Chart.Accent, after: 0);
            pdf.Text(ReportText.TitleEn, 10, Chart.Muted, after: 8);
            if (r.Interim) pdf.Text(ReportText.InterimMark, 10, Chart.Warn);
            pdf.Table([3, 7], ["项目 Item", "内容 Value"], ReportText.Facts(r).Select(f => new[] { f.Label, f.Value }));

            pdf.Text("评价结果 Result", 13, Chart.Accent);
            pdf.Text($"总分 Score：{ReportText.Num(r.Score)}　等次 Grade：{r.Grade}（{r.GradeEn}）", 12);
            pdf.Table([3.6f, 1.2f, 1.7f, 1.3f, 3.8f], ["模块 Module", "满分 Max", "扣分 Deducted", "得分 Score", "规则 Rules"],
                r.Modules.Select(m => new[]
                {
                    $"{m.Name} {m.NameEn}", ReportText.Num(m.MaxPoints), ReportText.Num(m.Deducted), ReportText.Num(m.Score),
                    string.Join("；", m.Rules.Select(o => $"{o.RuleId} {(o.Failed ? $"-{ReportText.Num(o.Deduction)}" : o.Applicable ? "OK" : "n/a")}")),
                }));

            pdf.Text("指标 Indicators", 13, Chart.Accent);
            pdf.Table([3.9f, 1.1f, 1.6f, 1.6f, 1.5f, 1.5f, 1.9f],
                ["指标 Indicator", "单位 Unit", "任期初 Start", "任期末 End", "变化 Change", "目标 Target", "达标 Compliance"],
                r.Indicators.SelectMany(i => new[]
                {
                    new[] { $"{i.Name} {i.NameEn}", i.Unit, ReportText.Num(i.Start), ReportText.Num(i.End), ReportText.Num(i.Change), ReportText.Num(i.Target), ReportText.Compliance(i.Compliant) },
                }.Concat(i.Parts.Select(p => new[] { $"  · {p.Name} {p.NameEn}", "", "", ReportText.Part(p), "", "", "" }))));
            pdf.Table([1, 1.5f, 1.5f, 1.5f], ["年度 Year", "控制指标 Quota", "用水量 Use", "超用 Overuse"],
                r.WaterYears.Select(y => new[] { y.Year.ToString(), ReportText.Num(y.Quota), ReportText.Num(y.Use), ReportText.Num(y.Overuse) }));

            pdf.Text("图表 Charts", 13, Chart.Accent);
            foreach (var i in r.Indicators.Where(i => i.Series.Count > 0 && i.Id != "water"))
                pdf.Figure(Chart.Stock(i.Series), $"{i.Name} {i.NameEn} ({i.Unit})");
            pdf.Figure(Chart.Water(r.WaterYears), "用水总量与控制指标 Water use against quota (10^4 m3)");

            pdf.Text("审计发现 Findings", 13, Chart.Accent);
            if (r.Findings.Count == 0) pdf.Text("未发现问题。No findings.", 10);
            foreach (var f in r.Findings)
            {
                pdf.Need(80);
                pdf.Text($"发现 {f.Id} · {f.RuleId} · {ReportText.Severity(f.Severity)}{(f.Deduction > 0 ? $" · 扣 {ReportText.Num(f.Deduction)} 分" : "")}", 11,
                    f.Severity == "info" ? Chart.Muted : Chart.Warn, after: 2);
                pdf.Text(f.Statement, 10, after: 1);
                pdf.Text(f.StatementEn, 9, Chart.Muted, after: 1);
                pdf.Text($"依据 Basis: {f.Basis}", 8.5f, Chart.Muted);
                var shown = f.Evidence.Take(ReportText.PdfEvidencePerFinding).ToList();
                pdf.Table([2.6f, 0.6f, 2.2f, 1.4f, 2.1f, 1.3f, 3.2f], ["流 Stream", "版本", "类型 Type", "生效 Effective", "记录 Recorded", "提交方", "事件 Event id"],
                    shown.Select(e => new[] { $"{e.Domain}/{e.Stream}", e.Version.ToString(), e.Type, ReportText.Date(e.EffectiveDate), ReportText.Instant(e.RecordedAt), e.Client, e.EventId.ToString() }),
                    7);
                if (f.Evidence.Count > shown.Count)
                    pdf.Text($"另有 {f.Evidence.Count - shown.Count} 条证据见 JSON / XLSX 版本。{f.Evidence.Count - shown.Count} more evidence rows are in the JSON and XLSX.", 8.5f, Chart.Muted);
                foreach (var map in OverlapMaps.Of(r, f))
                    pdf.Figure(Chart.OverlapMap(map), OverlapMaps.Caption(map));
            }
            pdf.Gap(8);
            pdf.Text($"SHA-256 (JSON): {sha256}", 7.5f, Chart.Muted);
        }
        return output.ToArray();
    }
}
