namespace Ledger.Audit.BalanceSheets;

/// <summary>Chinese names beside the English ones, as in the official physical-quantity tables.</summary>
public static class SheetLabels
{
    public static string Account(string account) => account switch
    {
        "farmland" => "耕地 farmland",
        "permanentBasicFarmland" => "永久基本农田 permanent basic farmland",
        "redLine" => "生态保护红线 ecological red line",
        "miningOccupied" => "矿山占用土地 mining land occupied",
        "miningDamagedUnreclaimed" => "矿山损毁未复垦土地 mining land damaged, unreclaimed",
        "water" => "用水总量 water use",
        "landQuota" => "占用耕地指标 farmland-occupation quota",
        _ => account,
    };

    public const string Region = "地区 Region";
    public const string Period = "期间 Period";
    public const string KnownAt = "数据截至 Known at";
    public const string Item = "项目 Item";
    public const string Nature = "性质 Nature";
    public const string Opening = "期初 Opening";
    public const string Additions = "增加 Additions";
    public const string Reductions = "减少 Reductions";
    public const string Closing = "期末 Closing";
    public const string Unit = "单位 Unit";
    public const string Total = "合计 total";
    public const string Liability = "负债 Liability";
    public const string Year = "年度 Year";
    public const string Quota = "用水总量控制指标 Quota";
    public const string Use = "用水量 Use";
    public const string Overuse = "超用 Overuse";
}
