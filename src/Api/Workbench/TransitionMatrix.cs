using Ledger.Audit.BalanceSheets;
using Ledger.LandUse;

namespace Ledger.Api.Workbench;

/// <summary>
/// 地类转移矩阵: rows the class land left, columns the class it became, each cell shaded by its area
/// and linked to the flows (and so the events) behind it. The shades are CSS classes, not inline
/// styles: the Content-Security-Policy refuses style attributes.
/// </summary>
public static class TransitionMatrix
{
    /// <summary>How many shades: enough to tell large from small at a glance, few enough to tell apart.</summary>
    public const int Shades = 5;

    public static string Render(Ui ui, string code, BalanceSheet sheet, int level)
    {
        var cells = LandUseLines.Transitions(sheet.LandUse.Lines, level, out _, out _)
            .ToDictionary(c => (c.From, c.To), c => c.AreaHa);
        var head = $"<h3 id=\"transitions\">{ui.T("地类转移矩阵", "Land-use transition matrix")}</h3>";
        if (cells.Count == 0)
            return head + $"<p class=\"muted\">{ui.T("本期没有地类之间的转移。", "No land changed class in the period.")}</p>";

        var order = (level == 1 ? LandClasses.Groups.Keys : LandClasses.All.Select(c => c.Code)).ToList();
        var classes = cells.Keys.SelectMany(k => new[] { k.From, k.To }).Distinct().OrderBy(order.IndexOf).ToList();
        var max = cells.Values.Max();
        var rows = new List<string[]>();
        foreach (var from in classes)
        {
            var row = new List<string> { $"<th scope=\"row\">{LandUseTable.ClassName(ui, from)}</th>" };
            row.AddRange(classes.Select(to => cells.TryGetValue((from, to), out var area) ? Cell(ui, code, sheet, from, to, area, max) : "<td class=\"n\"></td>"));
            row.Add(Ui.Numeric(Ui.Num(cells.Where(c => c.Key.From == from).Sum(c => c.Value))));
            rows.Add([.. row]);
        }
        var totals = new List<string> { $"<th scope=\"row\">{ui.T("转入合计", "Total in")}</th>" };
        totals.AddRange(classes.Select(to => Ui.Numeric(Ui.Num(cells.Where(c => c.Key.To == to).Sum(c => c.Value)))));
        totals.Add(Ui.Numeric(Ui.Num(cells.Values.Sum())));
        rows.Add([.. totals]);

        var caption = $"{ui.T("地类转移矩阵", "Land-use transitions")} · {LandUseTable.LevelName(ui, level)} {Ui.Date(sheet.From)} — {Ui.Date(sheet.To)} (ha)";
        var headers = new List<string> { ui.T("原地类＼现地类", "From ＼ to") };
        headers.AddRange(classes.Select(c => LandUseTable.ClassName(ui, c)));
        headers.Add(ui.T("转出合计", "Total out"));
        return head + $"<p class=\"muted\">{ui.T("行为原地类，列为转入地类；颜色越深面积越大，点击数字查看其流量与事件。",
            "Rows are the class the land left, columns the class it became; the darker the cell, the larger the area. Each figure opens its flows and events.")}</p>" +
            Ui.Table(caption, headers, rows, "matrix") + Legend(ui, max);
    }

    /// <summary>The shade of an area: 1 for the smallest non-empty share of the largest cell, <see cref="Shades"/> for the largest.</summary>
    public static int Shade(decimal area, decimal max) => Math.Clamp((int)Math.Ceiling(area / max * Shades), 1, Shades);

    private static string Cell(Ui ui, string code, BalanceSheet sheet, string from, string to, decimal area, decimal max)
    {
        var text = $"{from} {LandClasses.NameOf(from)} → {to} {LandClasses.NameOf(to)}: {Ui.Num(area)} ha";
        var href = LandUseTable.ProvenanceHref(code, sheet, from, "reductions", to, null);
        return $"<td class=\"n heat{Shade(area, max)}\" title=\"{Ui.E(text)}\"><a href=\"{href}\" aria-label=\"{Ui.E(text)}\">{Ui.Num(area)}</a></td>";
    }

    private static string Legend(Ui ui, decimal max)
    {
        var steps = Enumerable.Range(1, Shades).Select(s =>
            $"<li><span class=\"swatch heat{s}\" aria-hidden=\"true\"></span>≤ {Ui.Num(Math.Round(max * s / Shades, 4))} ha</li>");
        return $"<ul class=\"legend\" aria-label=\"{ui.T("颜色图例", "Shade legend")}\">{string.Concat(steps)}</ul>";
    }
}
