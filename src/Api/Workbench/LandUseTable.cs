using Ledger.Audit.BalanceSheets;
using Ledger.Flows;
using Ledger.LandUse;
using Ledger.Regions;

namespace Ledger.Api.Workbench;

/// <summary>
/// The region page's 土地资源 table (contract 1.8): per 一级类 or 二级类, opening, additions by the
/// class the land came from, reductions by the class it went to, closing, and the whole land's
/// movement (registrations and region transfers only). Each class figure links to its flows.
/// </summary>
public static class LandUseTable
{
    public static string Render(Ui ui, string code, BalanceSheet sheet, int level)
    {
        var lines = sheet.LandUse.Lines;
        var rows = new List<string[]>();
        foreach (var c in LandUseLines.Classes(lines, level))
        {
            string Link(string part, decimal amount, string? other = null, string? cause = null) => Figure(ui, code, sheet, c.Class, part, amount, other, cause);
            rows.Add([$"<th scope=\"row\">{ClassName(ui, c.Class)}</th>", Link("opening", c.Opening), Ui.Numeric(Ui.Num(c.Additions.Sum(a => a.Amount))),
                Ui.Numeric(Ui.Num(c.Reductions.Sum(r => r.Amount))), Link("closing", c.Closing)]);
            foreach (var a in c.Additions)
                rows.Add([$"　＋ {Side(ui, a, ui.T("来自", "from"))}", "<td></td>", Link("additions", a.Amount, a.Class, a.Cause), "<td></td>", "<td></td>"]);
            foreach (var r in c.Reductions)
                rows.Add([$"　− {Side(ui, r, ui.T("转为", "to"))}", "<td></td>", "<td></td>", Link("reductions", r.Amount, r.Class, r.Cause), "<td></td>"]);
        }
        var total = LandUseLines.Total(lines);
        rows.Add([$"<th scope=\"row\">{ui.T("合计", "Total")}</th>", Ui.Numeric(Ui.Num(total.Opening)), "<td></td>", "<td></td>", Ui.Numeric(Ui.Num(total.Closing))]);
        // Inside a region land is conserved: only these three move the total (registered is net: corrections and disasters may take land away).
        rows.Add([$"　{ui.T("登记（净额）", "Registered (net)")}", "<td></td>", Ui.Numeric(Ui.Num(total.Registered)), "<td></td>", "<td></td>"]);
        rows.Add([$"　{ui.T("区划转入", "Transferred in (region change)")}", "<td></td>", Ui.Numeric(Ui.Num(total.TransferredIn)), "<td></td>", "<td></td>"]);
        rows.Add([$"　{ui.T("区划转出", "Transferred out (region change)")}", "<td></td>", "<td></td>", Ui.Numeric(Ui.Num(total.TransferredOut)), "<td></td>"]);

        var caption = $"{ui.T("土地资源", "Land use")} · {LevelName(ui, level)} {Ui.Date(sheet.From)} — {Ui.Date(sheet.To)} (ha)";
        return $"<h3 id=\"land-use\">{ui.T("土地资源（三调地类）", "Land use (survey classes)")}</h3>" + Levels(ui, code, sheet, level) +
            Ui.Table(caption, [ui.T("地类", "Class"), ui.T("期初", "Opening"), ui.T("增加", "Additions"), ui.T("减少", "Reductions"), ui.T("期末", "Closing")], rows,
                "land-use"); // not "sheet": that class names the balance sheet itself, which pages and tests find by it
    }

    /// <summary>The level switch: two links, the current one marked for screen readers as well as by sight.</summary>
    internal static string Levels(Ui ui, string code, BalanceSheet sheet, int level)
    {
        string Option(int l) => l == level
            ? $"<strong aria-current=\"page\">{LevelName(ui, l)}</strong>"
            : $"<a href=\"/ui/regions/{code}{RegionPages.PeriodQuery(sheet.From, sheet.To, sheet.KnownAt)}&amp;landUseLevel={l}#land-use\">{LevelName(ui, l)}</a>";
        return $"<p class=\"levels\">{ui.T("地类级别", "Class level")}: {Option(1)} · {Option(2)}</p>";
    }

    public static string LevelName(Ui ui, int level) => level == 1 ? ui.T("一级类", "main classes (一级类)") : ui.T("二级类", "subclasses (二级类)");

    /// <summary>A class or 一级类 with its code; in English the 一级类 gets its GB/T 21010 name (the 二级类 keep the survey's Chinese name).</summary>
    public static string ClassName(Ui ui, string landClass) =>
        ui.English && EnglishGroups.TryGetValue(landClass, out var en) ? $"{landClass} {Ui.E(en)} <span lang=\"zh-CN\">{Ui.E(LandClasses.NameOf(landClass))}</span>"
        : $"{landClass} {Ui.E(LandClasses.NameOf(landClass))}";

    private static readonly Dictionary<string, string> EnglishGroups = new()
    {
        ["00"] = "Wetland", ["01"] = "Cultivated land", ["02"] = "Plantation land", ["03"] = "Forest land", ["04"] = "Grassland",
        ["05"] = "Commercial and service land", ["06"] = "Industrial and mining land", ["07"] = "Residential land",
        ["08"] = "Public administration and public service land", ["09"] = "Special land", ["10"] = "Transport land",
        ["11"] = "Water and water conservancy land", ["12"] = "Other land",
    };

    /// <summary>The class on the other side (none for registrations and region transfers) and the cause.</summary>
    private static string Side(Ui ui, ClassChange change, string direction) =>
        (change.Class == "" ? "" : $"{direction} {ClassName(ui, change.Class)} · ") + Cause(ui, change.Cause);

    private static string Cause(Ui ui, string cause) =>
        ui.English ? Ui.E(cause) : $"{Ui.E(CauseLabels.Chinese(cause))} <small class=\"muted\">{Ui.E(cause)}</small>";

    /// <summary>
    /// A class figure linked to its flows. A region transfer's land is not this region's rows: its
    /// provenance is the stock account's (land-use.md), so that line is shown without a link.
    /// </summary>
    private static string Figure(Ui ui, string code, BalanceSheet sheet, string landClass, string part, decimal amount, string? other, string? cause)
    {
        if (cause == RegionScope.TransferCause) return Ui.Numeric(Ui.Num(amount));
        var href = ProvenanceHref(code, sheet, landClass, part, other is "" ? null : other, cause);
        var label = $"{LandClasses.NameOf(landClass)} {part} {(other is null or "" ? "" : $"{other} ")}{cause} {Ui.Num(amount)}";
        return $"<td class=\"n\"><a href=\"{href}\" aria-label=\"{Ui.E(label)}\">{Ui.Num(amount)}</a></td>";
    }

    /// <summary>The workbench provenance of a land-use figure: a class (or 一级类), optionally narrowed to the other side's class and a cause.</summary>
    public static string ProvenanceHref(string code, BalanceSheet sheet, string landClass, string part, string? other, string? cause) =>
        $"/ui/regions/{code}/provenance{RegionPages.PeriodQuery(sheet.From, sheet.To, sheet.KnownAt)}&amp;account={Accounts.LandUse}&amp;part={part}" +
        $"&amp;class={Ui.Q(landClass)}{(other is null ? "" : $"&amp;otherClass={Ui.Q(other)}")}{(cause is null ? "" : $"&amp;cause={Ui.Q(cause)}")}";

    /// <summary>The level asked for on the page: 1 (一级类) unless 2 is asked; anything else is refused.</summary>
    public static int? ReadLevel(Ui ui) => ui.Query("landUseLevel") switch
    {
        "" or "1" => 1,
        "2" => 2,
        _ => null,
    };
}
