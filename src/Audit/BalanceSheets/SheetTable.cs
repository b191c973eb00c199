using System.Globalization;
using NodaTime.Text;

namespace Ledger.Audit.BalanceSheets;

/// <summary>
/// A sheet laid out as the official physical-quantity table (期初/增加/减少/期末), as rows of
/// cells; the CSV and XLSX exports both render this, so they cannot disagree.
/// </summary>
public static class SheetTable
{
    public static IEnumerable<object?[]> Rows(BalanceSheet sheet)
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
    }

    public static string Csv(IEnumerable<BalanceSheet> sheets)
    {
        var text = new System.Text.StringBuilder();
        foreach (var sheet in sheets)
        {
            foreach (var row in Rows(sheet)) text.AppendLine(string.Join(',', row.Select(Cell)));
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
