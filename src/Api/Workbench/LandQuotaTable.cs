using Ledger.Audit.BalanceSheets;
using Ledger.Flows;
using Ledger.Investigations;

namespace Ledger.Api.Workbench;

/// <summary>The region page's land-quota table: per year quota, approved and illegal use, overuse; each figure links to its flows.</summary>
public static class LandQuotaTable
{
    public static string Render(Ui ui, string code, BalanceSheet sheet)
    {
        var q = sheet.LandQuota;
        string Link(string account, int year, decimal amount) =>
            $"<td class=\"n\"><a href=\"/ui/regions/{code}/provenance{RegionPages.PeriodQuery(sheet.From, sheet.To, sheet.KnownAt)}&amp;account={account}&amp;year={year}\">{Ui.Num(amount)}</a></td>";
        var table = Ui.Table(ui.T("占用耕地指标（公顷）", "Farmland-occupation quota (ha)"),
            [ui.T("年度", "Year"), ui.T("指标", "Quota"), ui.T("依法占用", "Approved use"), ui.T("违法占用", "Illegal use"), ui.T("超指标", "Overuse"),
                ui.T("无指标占用", "Use without quota"), ui.T("新增建设用地指标", "New-construction quota")],
            q.Years.Select(y => new[]
            {
                y.Year.ToString(), Link(Accounts.LandQuota, y.Year, y.Quota), Link(LandQuotaProvenance.Used, y.Year, y.Used),
                Link(LandQuotaProvenance.Illegal, y.Year, y.Illegal), Ui.Numeric(Ui.Num(y.Overuse), y.Overuse > 0),
                Ui.Numeric(Ui.Num(y.WithoutQuota), y.WithoutQuota > 0), Link(Accounts.LandQuotaNewConstruction, y.Year, y.NewConstructionQuota),
            }));
        var liabilities = string.Concat(q.Liabilities.Select(l =>
            $"<div class=\"liability\" role=\"note\"><strong>{Ui.E(ui.T(CauseLabels.Liability(l.Kind), l.Kind))}</strong>: {Ui.Num(l.Amount)} · <span class=\"muted\">{Ui.E(l.Detail)}</span></div>"));
        return table + liabilities;
    }
}
