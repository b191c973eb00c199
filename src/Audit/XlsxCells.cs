using ClosedXML.Excel;

namespace Ledger.Audit;

/// <summary>
/// Writes workbook cells with their type stated. ClosedXML 0.95's <c>Value</c> setter guesses a
/// type from a string: a region code "000123" became the number 123, a stream key like
/// "2024-05-10" a date, and a leading apostrophe vanished. Names, ids, refs and details come from
/// writers, so they go in as text (<c>SetValue(string)</c> stores them verbatim); only our own
/// figures go in as numbers.
/// </summary>
public static class XlsxCells
{
    public static void Put(IXLCell cell, object? value)
    {
        switch (value)
        {
            case null: break;
            case decimal d: cell.SetValue(d); break;
            case int i: cell.SetValue(i); break;
            case long l: cell.SetValue(l); break;
            default: cell.SetValue(value.ToString() ?? ""); break;
        }
    }
}
