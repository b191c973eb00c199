using ClosedXML.Excel;
using Ledger.Audit.BalanceSheets;
using Ledger.Audit.Departure;
using Ledger.Audit.Reports;
using NodaTime;
using Shouldly;

namespace Ledger.Tests.Unit;

/// <summary>
/// Text that writers sent (ids, refs, stream keys, details) must come back from an XLSX export as
/// the same text: ClosedXML 0.95 would otherwise read "000123" as the number 123 and
/// "2024-05-10" as a date.
/// </summary>
public sealed class WorkbookTextTests
{
    private static readonly string[] Awkward = ["000123", "2024-05-10", "=1+1", "'quoted", " 42 ", "TRUE"];

    [Fact]
    public void balance_sheet_workbooks_keep_region_codes_and_details_as_text_and_figures_as_numbers()
    {
        var liabilities = Awkward.Select(a => new Liability("waterOveruse", 1.5m, a)).ToList();
        var sheet = new BalanceSheet("000000", new LocalDate(2024, 1, 1), new LocalDate(2024, 12, 31), Instant.FromUtc(2025, 1, 1, 0, 0),
            [new StockAccount("farmland", "ha", 14m, [new CauseAmount("000123", "legal", 0.5m)], [], 14.5m, [])],
            new WaterAccount("water", "10⁴ m³", [new WaterYear(2024, 100m, 101.5m, 1.5m)], liabilities));

        using var book = new XLWorkbook(new MemoryStream(SheetWorkbook.Build([sheet])));
        var cells = book.Worksheet(1).CellsUsed().ToList();

        ShouldBeText(cells.Single(c => c.Address.ToString() == "B1"), "000000");
        ShouldBeText(cells.Single(c => c.Address.ToString() == "B2"), "2024-01-01");
        ShouldBeText(cells.Single(c => c.Address.ColumnNumber == 2 && c.GetString() == "000123"), "000123");
        foreach (var a in Awkward) ShouldBeText(cells.Single(c => c.Address.ColumnNumber == 3 && c.GetString() == a), a);
        cells.Single(c => c.GetString() == "14.5").DataType.ShouldBe(XLDataType.Number);
        cells.Single(c => c.GetString() == "2024" && c.Address.ColumnNumber == 2).DataType.ShouldBe(XLDataType.Number);
    }

    [Fact]
    public void audit_report_workbooks_keep_ids_stream_keys_and_statements_as_text_and_figures_as_numbers()
    {
        var evidence = new EventRef(41, Guid.NewGuid(), "farmland.occupied", "farmland", "410102-000123", 3,
            new LocalDate(2021, 3, 1), Instant.FromUtc(2021, 3, 2, 8, 0), "000123");
        var finding = new Finding("000123", "2024-05-10", null, "major", "=1+1", "'quoted", "TRUE", new Dictionary<string, string>(), 5m, [evidence]);
        var tenure = new TenureSection("000123", "000456", "李四", "county-head", "410102", "某县", new LocalDate(2021, 1, 1),
            new LocalDate(2023, 12, 31), true, null, []);
        var report = new DepartureReport(Guid.NewGuid(), false, Instant.FromUtc(2024, 1, 15, 0, 0), "000789", Instant.FromUtc(2024, 1, 15, 0, 0), 99,
            new RuleSetRef("national", "2026.1", "规则", "Rules"), "agricultural", "农产品主产区", new LocalDate(2021, 1, 1), new LocalDate(2023, 12, 31),
            tenure, [], [new WaterYearLine(2022, 100m, 120m, 20m)], [], 57.6m, "差", "very poor", [finding], null);

        using var book = new XLWorkbook(new MemoryStream(ReportWorkbook.Build(report, "00ab")));

        var found = book.Worksheet("发现 Findings").Row(2);
        ShouldBeText(found.Cell(1), "000123");
        ShouldBeText(found.Cell(2), "2024-05-10");
        ShouldBeText(found.Cell(5), "=1+1");
        ShouldBeText(found.Cell(6), "'quoted");
        ShouldBeText(found.Cell(7), "TRUE");
        found.Cell(4).DataType.ShouldBe(XLDataType.Number);
        found.Cell(8).DataType.ShouldBe(XLDataType.Number);

        var row = book.Worksheet("证据 Evidence").Row(2);
        ShouldBeText(row.Cell(4), "410102-000123");
        ShouldBeText(row.Cell(7), "2021-03-01");
        ShouldBeText(row.Cell(9), "000123");
        row.Cell(5).DataType.ShouldBe(XLDataType.Number);
        row.Cell(11).GetValue<long>().ShouldBe(41);
        row.Cell(11).DataType.ShouldBe(XLDataType.Number);

        ShouldBeText(book.Worksheet("概况 Summary").RowsUsed().Single(r => r.Cell(1).GetString() == "SHA-256 (JSON)").Cell(2), "00ab");
        book.Worksheet("用水 Water").Row(2).Cell(1).DataType.ShouldBe(XLDataType.Number);
    }

    private static void ShouldBeText(IXLCell cell, string text)
    {
        cell.DataType.ShouldBe(XLDataType.Text, cell.Address.ToString());
        cell.HasFormula.ShouldBeFalse(cell.Address.ToString());
        cell.GetString().ShouldBe(text, cell.Address.ToString());
    }
}
