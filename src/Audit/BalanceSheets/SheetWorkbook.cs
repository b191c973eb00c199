using ClosedXML.Excel;

namespace Ledger.Audit.BalanceSheets;

/// <summary>XLSX export: one worksheet per sheet (per year for a series) plus, for a series, a stock summary.</summary>
public static class SheetWorkbook
{
    public static byte[] Build(IReadOnlyList<BalanceSheet> sheets, int landUseLevel = 1)
    {
        using var book = new XLWorkbook();
        if (sheets.Count > 1) Summary(book.AddWorksheet("汇总 Summary"), sheets);
        foreach (var sheet in sheets)
        {
            var ws = book.AddWorksheet(sheets.Count == 1 ? "资产负债表 Sheet" : $"{sheet.From:yyyy-MM-dd}".Replace("-", ""));
            var r = 1;
            foreach (var row in SheetTable.Rows(sheet, landUseLevel))
            {
                for (var c = 0; c < row.Length; c++) XlsxCells.Put(ws.Cell(r, c + 1), row[c]);
                r++;
            }
            ws.Row(5).Style.Font.Bold = true;
            ws.Columns(1, 8).Width = 24; // AdjustToContents needs System.Drawing, which Linux lacks
        }
        using var stream = new MemoryStream();
        book.SaveAs(stream);
        return stream.ToArray();
    }

    private static void Summary(IXLWorksheet ws, IReadOnlyList<BalanceSheet> sheets)
    {
        var accounts = sheets[0].Stocks.Select(s => s.Account).ToList();
        XlsxCells.Put(ws.Cell(1, 1), "期间 Period");
        for (var i = 0; i < accounts.Count; i++) XlsxCells.Put(ws.Cell(1, i + 2), $"{SheetLabels.Account(accounts[i])} {SheetLabels.Closing} (ha)");
        for (var r = 0; r < sheets.Count; r++)
        {
            XlsxCells.Put(ws.Cell(r + 2, 1), $"{sheets[r].From:yyyy-MM-dd} – {sheets[r].To:yyyy-MM-dd}");
            for (var i = 0; i < accounts.Count; i++) XlsxCells.Put(ws.Cell(r + 2, i + 2), sheets[r].Stock(accounts[i]).Closing);
        }
        ws.Row(1).Style.Font.Bold = true;
        ws.Columns(1, 8).Width = 24;
    }
}
