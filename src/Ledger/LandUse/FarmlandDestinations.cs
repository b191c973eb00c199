using Ledger.Farmland;

namespace Ledger.LandUse;

/// <summary>
/// The class farmland becomes when an occupation or conversion names none (<c>toClass</c> absent,
/// as every event before contract 1.8): the class the survey most often records for that purpose
/// or use. docs/balance-sheets.md lists the same table; a province that knows better sends toClass.
/// </summary>
public static class FarmlandDestinations
{
    public static readonly IReadOnlyDictionary<string, string> ByPurpose = new Dictionary<string, string>
    {
        ["construction"] = "0601",       // 工业用地
        ["mining"] = "0602",             // 采矿用地
        ["transport"] = "1003",          // 公路用地
        ["water-conservancy"] = "1109",  // 水工建筑用地
        ["other"] = "1201",              // 空闲地
    };

    public static readonly IReadOnlyDictionary<string, string> ByUse = new Dictionary<string, string>
    {
        ["forest"] = "0301",             // 乔木林地
        ["orchard"] = "0201",            // 果园
        ["grassland"] = "0403",          // 人工牧草地
        ["aquaculture"] = "1104A",       // 养殖坑塘
        ["other-agriculture"] = "1202",  // 设施农用地
    };

    public static string Of(FarmlandOccupied e) => e.ToClass ?? ByPurpose[e.Purpose];
    public static string Of(FarmlandConverted e) => e.ToClass ?? ByUse[e.To];
}
