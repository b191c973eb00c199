using ClosedXML.Excel;
using Ledger.Audit.Departure;

namespace Ledger.Audit.Reports;

/// <summary>The report as a workbook: summary, indicators, water by year, scores, findings and every evidence row.</summary>
public static class ReportWorkbook
{
    public static byte[] Build(DepartureReport r, string sha256)
    {
        using var book = new XLWorkbook();
        var summary = book.AddWorksheet("概况 Summary");
        var row = 1;
        XlsxCells.Put(summary.Cell(row++, 1), ReportText.Title);
        if (r.Interim) XlsxCells.Put(summary.Cell(row++, 1), ReportText.InterimMark);
        foreach (var (label, value) in ReportText.Facts(r)) Put(summary, row++, label, value);
        Put(summary, row++, "总分 Score", r.Score);
        Put(summary, row++, "等次 Grade", $"{r.Grade}（{r.GradeEn}）");
        Put(summary, row, "SHA-256 (JSON)", sha256);

        var ind = book.AddWorksheet("指标 Indicators");
        Header(ind, "指标 Indicator", "项 Part", "单位 Unit", "任期初 Start", "任期末 End", "变化 Change", "目标 Target", "达标 Compliance");
        row = 2;
        foreach (var i in r.Indicators)
        {
            Row(ind, row++, $"{i.Name} {i.NameEn}", "", i.Unit, i.Start, i.End, i.Change, i.Target, ReportText.Compliance(i.Compliant));
            foreach (var p in i.Parts) Row(ind, row++, i.Id, $"{p.Name} {p.NameEn}", "", null, p.Value, null, null, "");
        }

        var water = book.AddWorksheet("用水 Water");
        Header(water, "年度 Year", "控制指标 Quota", "用水量 Use", "超用 Overuse");
        row = 2;
        foreach (var y in r.WaterYears) Row(water, row++, y.Year, y.Quota, y.Use, y.Overuse);

        var scores = book.AddWorksheet("评分 Scores");
        Header(scores, "模块 Module", "规则 Rule", "指标 Measure", "适用 Applicable", "未通过 Failed", "值 Value", "阈值 Threshold", "扣分 Deduction", "得分 Score", "满分 Max");
        row = 2;
        foreach (var m in r.Modules)
        {
            foreach (var o in m.Rules)
                Row(scores, row++, $"{m.Name} {m.NameEn}", o.RuleId, o.Measure, o.Applicable, o.Failed, o.Value, o.Threshold, o.Deduction, null, null);
            Row(scores, row++, $"{m.Name} {m.NameEn}", "合计 total", "", null, null, null, null, m.Deducted, m.Score, m.MaxPoints);
        }

        var findings = book.AddWorksheet("发现 Findings");
        Header(findings, "编号 Id", "规则 Rule", "程度 Severity", "扣分 Deduction", "陈述 Statement", "Statement", "依据 Basis", "证据数 Evidence");
        row = 2;
        foreach (var f in r.Findings) Row(findings, row++, f.Id, f.RuleId, ReportText.Severity(f.Severity), f.Deduction, f.Statement, f.StatementEn, f.Basis, f.Evidence.Count);

        var evidence = book.AddWorksheet("证据 Evidence");
        Header(evidence, "发现 Finding", "规则 Rule", "域 Domain", "流 Stream", "版本 Version", "类型 Type", "生效 Effective", "记录 Recorded (UTC)", "提交方 Client", "事件 Event id", "序号 Sequence");
        row = 2;
        foreach (var f in r.Findings)
            foreach (var e in f.Evidence)
                Row(evidence, row++, f.Id, f.RuleId, e.Domain, e.Stream, e.Version, e.Type, ReportText.Date(e.EffectiveDate), ReportText.Instant(e.RecordedAt), e.Client,
                    e.EventId.ToString(), e.Sequence);

        using var stream = new MemoryStream();
        book.SaveAs(stream);
        return stream.ToArray();
    }

    private static void Put(IXLWorksheet sheet, int row, string label, object value) => Row(sheet, row, label, value);

    private static void Header(IXLWorksheet sheet, params string[] titles)
    {
        for (var i = 0; i < titles.Length; i++) XlsxCells.Put(sheet.Cell(1, i + 1), titles[i]);
        sheet.Row(1).Style.Font.Bold = true;
    }

    private static void Row(IXLWorksheet sheet, int row, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
            XlsxCells.Put(sheet.Cell(row, i + 1), values[i] is bool b ? (b ? "是 yes" : "否 no") : values[i]);
    }
}
