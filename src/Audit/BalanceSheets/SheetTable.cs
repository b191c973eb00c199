using System.Globalization;
using Ledger.LandUse;
using NodaTime.Text;

namespace Ledger.Audit.BalanceSheets;

/// <summary>
/// A sheet laid out as the official physical-quantity table (期初/增加/减少/期末), as rows of
/// cells; the CSV and XLSX exports both render this, so they cannot disagree.
/// </summary>
public static class SheetTable
{
    public static IEnumerable<object?[]> Rows(BalanceSheet sheet, int landUseLevel = 1)
    {
        yield return [SheetLabels.Region, sheet.Region];
        yield return [SheetLabels.Period, $"{sheet.From:yyyy-MM-dd}", $"{sheet.To:yyyy-MM-dd}"];
        yield return [SheetLabels.KnownAt, InstantPattern.ExtendedIso.Format(sheet.KnownAt)];
        yield return [];
        yield return ["账户 Account", SheetLabels.Item, SheetLabels.Nature, SheetLabels.Opening, SheetLabels.Additions,
            SheetLabels.Reductions, SheetLabels.Closing, SheetLabels.Unit];
        foreach (var a in sheet.Stocks)
        {
            var name = SheetLabels.Account(a.Account);
            yield return [name, SheetLabels.Total, null, a.Opening, a.TotalAdditions, a.TotalReductions, a.Closing, a.Unit];
            foreach (var c in a.Additions) yield return [name, c.Cause, c.Nature, null, c.Amount, null, null, a.Unit];
            foreach (var c in a.Reductions) yield return [name, c.Cause, c.Nature, null, null, c.Amount, null, a.Unit];
            foreach (var l in a.Liabilities) yield return [name, $"{SheetLabels.Liability}: {l.Kind}", l.Detail, null, null, null, l.Amount, a.Unit];
        }
        yield return [];
        yield return [SheetLabels.Account("water"), SheetLabels.Year, null, SheetLabels.Quota, SheetLabels.Use, SheetLabels.Overuse, null, SheetLabels.Unit];
        foreach (var y in sheet.Water.Years)
            yield return [SheetLabels.Account("water"), y.Year, null, y.Quota, y.Use, y.Overuse, null, sheet.Water.Unit];
        foreach (var l in sheet.Water.Liabilities)
            yield return [SheetLabels.Account("water"), $"{SheetLabels.Liability}: {l.Kind}", l.Detail, null, null, l.Amount, null, sheet.Water.Unit];
        yield return [];
        foreach (var row in LandQuotaRows(sheet.LandQuota)) yield return row;
        yield return [];
        foreach (var row in InOutRows(sheet.InOutBalance)) yield return row;
        yield return [];
        foreach (var row in LandUseRows(sheet.LandUse, landUseLevel)) yield return row;
    }

    /// <summary>Per year: quota, approved use, illegal use, overuse, use without quota, new-construction quota.</summary>
    private static IEnumerable<object?[]> LandQuotaRows(LandQuotaAccount q)
    {
        var name = SheetLabels.Account(q.Account);
        yield return [name, SheetLabels.Year, "指标 Quota", "依法占用 Used", "违法占用 Illegal", "超指标 Overuse", "无指标占用 Without quota",
            "新增建设用地指标 New construction", SheetLabels.Unit];
        foreach (var y in q.Years)
            yield return [name, y.Year, y.Quota, y.Used, y.Illegal, y.Overuse, y.WithoutQuota, y.NewConstructionQuota, q.Unit];
        foreach (var l in q.Liabilities)
            yield return [name, $"{SheetLabels.Liability}: {l.Kind}", l.Detail, null, null, l.Amount, null, null, q.Unit];
    }

    /// <summary>耕地进出平衡 per county-year.</summary>
    private static IEnumerable<object?[]> InOutRows(InOutBalance b)
    {
        const string name = "耕地进出平衡 Farmland in-out balance";
        yield return [name, SheetLabels.Region, SheetLabels.Year, "出 Out", "进 In", "缺口 Deficit", null, SheetLabels.Unit];
        foreach (var y in b.Years) yield return [name, y.RegionCode, y.Year, y.Out, y.In, y.Deficit, null, SheetBuilder.AreaUnit];
        yield return [name, SheetLabels.Total, null, b.Out, b.In, b.Deficit, null, SheetBuilder.AreaUnit];
    }

    /// <summary>The land-use account: per class its total row, then additions by source class and reductions by destination class.</summary>
    private static IEnumerable<object?[]> LandUseRows(LandUseAccount account, int level)
    {
        const string name = "土地资源 Land use";
        yield return [name, $"地类 Class (level {level})", "对方地类 Other class · 原因 Cause", SheetLabels.Opening, SheetLabels.Additions,
            SheetLabels.Reductions, SheetLabels.Closing, SheetLabels.Unit];
        foreach (var c in LandUseLines.Classes(account.Lines, level))
        {
            var label = $"{c.Class} {c.Name}";
            yield return [name, label, SheetLabels.Total, c.Opening, c.Additions.Sum(a => a.Amount), c.Reductions.Sum(r => r.Amount), c.Closing,
                SheetBuilder.AreaUnit];
            foreach (var a in c.Additions) yield return [name, label, Other(a), null, a.Amount, null, null, SheetBuilder.AreaUnit];
            foreach (var r in c.Reductions) yield return [name, label, Other(r), null, null, r.Amount, null, SheetBuilder.AreaUnit];
        }
        var t = LandUseLines.Total(account.Lines);
        yield return [name, SheetLabels.Total, $"登记 registered {t.Registered}; 区划转入 in {t.TransferredIn}; 转出 out {t.TransferredOut}",
            t.Opening, null, null, t.Closing, SheetBuilder.AreaUnit];
    }

    private static string Other(ClassChange c) => c.Class == "" ? c.Cause : $"{c.Class} {LandClasses.NameOf(c.Class)} · {c.Cause}";

    public static string Csv(IEnumerable<BalanceSheet> sheets, int landUseLevel = 1)
    {
        var text = new System.Text.StringBuilder();
        foreach (var sheet in sheets)
        {
            foreach (var row in Rows(sheet, landUseLevel)) text.AppendLine(string.Join(',', row.Select(Cell)));
            text.AppendLine();
        }
        return text.ToString();
    }

    private static string Cell(object? value) => value switch
    {
        null => "",
        decimal d => d.ToString(CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        string s when s.IndexOfAny([',', '"', '\n', '\r']) >= 0 || s.StartsWith('=') || s.StartsWith('+') || s.StartsWith('-') || s.StartsWith('@') =>
            "\"" + (s.StartsWith('=') || s.StartsWith('+') || s.StartsWith('-') || s.StartsWith('@') ? "'" : "") + s.Replace("\"", "\"\"") + "\"",
        _ => value.ToString() ?? "",
    };
}
