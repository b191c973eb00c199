using Ledger.Audit.BalanceSheets;

namespace Ledger.Api.Workbench;

/// <summary>
/// 耕地进出平衡 under the farmland account (自然资发〔2021〕166号): per county and year, farmland turned
/// into other agricultural land against such land restored. A deficit is owed per county-year, so the
/// total row sums the deficits and never nets one county's surplus against another's shortfall.
/// </summary>
public static class InOutTable
{
    public static string Render(Ui ui, BalanceSheet sheet)
    {
        var balance = sheet.InOutBalance;
        var rows = balance.Years.Select(y => new[]
        {
            y.RegionCode, y.Year.ToString(), Ui.Numeric(Ui.Num(y.Out)), Ui.Numeric(Ui.Num(y.In)), Deficit(ui, y.Deficit),
        }).ToList();
        if (rows.Count > 1)
            rows.Add([$"<strong>{ui.T("合计", "Total")}</strong>", "", Ui.Numeric(Ui.Num(balance.Out)), Ui.Numeric(Ui.Num(balance.In)), Deficit(ui, balance.Deficit)]);
        return Ui.Table($"{ui.T("耕地进出平衡", "Farmland in-out balance")} {Ui.Date(sheet.From)} — {Ui.Date(sheet.To)} (ha)",
            [ui.T("地区", "Region"), ui.T("年度", "Year"), ui.T("流出（耕地转为其他农用地）", "Out (farmland to other agricultural land)"),
                ui.T("流入（恢复为耕地）", "In (restored to farmland)"), ui.T("缺口（负债）", "Deficit (liability)")],
            rows, "in-out");
    }

    /// <summary>A deficit is a liability: marked in words as well as colour, so it is not lost on a screen reader or a grey printout.</summary>
    private static string Deficit(Ui ui, decimal deficit) =>
        deficit > 0 ? $"<td class=\"n bad\">{Ui.Num(deficit)} <span class=\"badge\">{ui.T("负债", "liability")}</span></td>" : Ui.Numeric(Ui.Num(deficit));
}
