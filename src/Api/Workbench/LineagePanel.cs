using System.Text;
using Ledger.Regions;
using Marten;
using NodaTime;

namespace Ledger.Api.Workbench;

/// <summary>A region page's history of codes: whom it succeeded, who succeeded it, and which regions below are retired.</summary>
internal static class LineagePanel
{
    public static async Task<string> HtmlAsync(Ui ui, string code, Lineage lineage, IQuerySession session, string periodQuery, CancellationToken ct)
    {
        var into = lineage.LinksInto(code);
        var outOf = lineage.Retirement(code);
        if (into.Count == 0 && outOf.Count == 0) return "";
        var codes = into.Select(l => l.Predecessor).Concat(outOf.Select(l => l.Successor)).Distinct().ToArray();
        var names = (await session.LoadManyAsync<RegionState>(ct, codes.Select(c => Ledger.Events.EventCatalog.StreamId("region", c)).ToArray()))
            .ToDictionary(r => r.RegionCode, r => r.Name);
        string Link(string c) => $"<a href=\"/ui/regions/{c}{periodQuery}\">{Ui.E(names.GetValueOrDefault(c, c))}</a>（{c}）";
        var b = new StringBuilder($"<h2 id=\"lineage\">{ui.T("区划沿革", "History of codes")}</h2><ul>");
        foreach (var l in into.OrderBy(l => l.EffectiveDate))
            b.Append($"<li>{l.EffectiveDate:yyyy-MM-dd} {ui.T("承继", "succeeded")} {Link(l.Predecessor)} · {Ui.E(l.Reason)}</li>");
        foreach (var l in outOf)
            b.Append($"<li>{l.EffectiveDate:yyyy-MM-dd} {ui.T("由下列地区承继（本代码自该日停用）", "succeeded by (this code is retired from that day)")} {Link(l.Successor)} · {Ui.E(l.Reason)}</li>");
        b.Append("</ul><p class=\"muted\">").Append(ui.T(
            "资产负债表按截止日的区划口径合并前身地区的记录；跨区划边界的调入调出记为 region-transfer。",
            "Sheets are on the boundary at their end date, predecessors included; stock crossing the boundary shows as region-transfer.")).Append("</p>");
        return b.ToString();
    }

    /// <summary>"retired on …" for a child card, or empty.</summary>
    public static string RetiredNote(Ui ui, Lineage lineage, string code) =>
        lineage.RetiredOn(code) is { } d
            ? $" · {ui.T("已停用", "retired")} {d:yyyy-MM-dd} → {string.Join(", ", lineage.Retirement(code).Select(l => l.Successor))}"
            : "";
}
