using System.Text.Json;

namespace Ledger.Tests.Regions;

/// <summary>A stock account of a sheet's JSON, causes by name.</summary>
public static class SheetReading
{
    public sealed record Stock(decimal Opening, Dictionary<string, decimal> Additions, Dictionary<string, decimal> Reductions, decimal Closing);

    public static Stock FarmlandOf(JsonElement sheet) => AccountOf(sheet, "farmland");

    public static Stock AccountOf(JsonElement sheet, string name)
    {
        var a = sheet.GetProperty("accounts").EnumerateArray().Single(x => x.GetProperty("account").GetString() == name);
        Dictionary<string, decimal> Causes(string part) => a.GetProperty(part).EnumerateArray()
            .ToDictionary(c => c.GetProperty("cause").GetString()!, c => c.GetProperty("amount").GetDecimal());
        return new Stock(a.GetProperty("opening").GetDecimal(), Causes("additions"), Causes("reductions"), a.GetProperty("closing").GetDecimal());
    }
}
