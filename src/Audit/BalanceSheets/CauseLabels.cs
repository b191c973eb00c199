namespace Ledger.Audit.BalanceSheets;

/// <summary>Chinese names for flow causes and liability kinds (the codes stay the API's; people read these).</summary>
public static class CauseLabels
{
    private static readonly Dictionary<string, string> Words = new()
    {
        ["construction"] = "建设", ["mining"] = "采矿", ["transport"] = "交通", ["water-conservancy"] = "水利", ["other"] = "其他",
        ["forest"] = "林地", ["orchard"] = "园地", ["grassland"] = "草地", ["aquaculture"] = "养殖水面", ["other-agriculture"] = "其他农用地",
        ["reclamation"] = "复垦", ["consolidation"] = "整理", ["development"] = "开发", ["farmland"] = "耕地", ["water"] = "水域",
        ["ecological-restoration"] = "生态修复", ["agricultural-restructuring"] = "农业结构调整", ["farmland-restoration"] = "恢复耕地",
        ["survey-correction"] = "调查更正", ["excavation"] = "挖损", ["subsidence"] = "塌陷", ["tailings"] = "尾矿压占", ["overburden"] = "排土压占", ["farming"] = "耕种",
    };

    public static string Chinese(string cause)
    {
        string W(string w) => Words.GetValueOrDefault(w, w);
        return cause switch
        {
            "registration-baseline" => "登记（基数）",
            "registration-supplemented" => "登记（补充耕地）",
            "registration-restored" => "登记（恢复）",
            "registration-new" => "登记（新增）",
            "disaster" => "灾毁",
            "designation" => "划定",
            "release" => "调出",
            "correction" => "面积更正",
            "adjustment" => "调整",
            "rectification" => "整改",
            "allocation" => "指标下达",
            _ when cause.StartsWith("occupation-of-", StringComparison.Ordinal) => $"占用（原{W(cause["occupation-of-".Length..])}）",
            _ when cause.StartsWith("occupation-", StringComparison.Ordinal) && cause.EndsWith("-illegal", StringComparison.Ordinal) =>
                $"{W(cause["occupation-".Length..^"-illegal".Length])}占用（违法）",
            _ when cause.StartsWith("occupation-", StringComparison.Ordinal) && cause.EndsWith("-legal", StringComparison.Ordinal) =>
                $"{W(cause["occupation-".Length..^"-legal".Length])}占用（依法）",
            _ when cause.StartsWith("conversion-to-", StringComparison.Ordinal) => $"转为{W(cause["conversion-to-".Length..])}",
            // Land-use reclassifications (contract 1.8): the cause, and whether it was done without approval.
            _ when cause.StartsWith("reclassification-", StringComparison.Ordinal) && cause.EndsWith("-illegal", StringComparison.Ordinal) =>
                $"地类变更（{W(cause["reclassification-".Length..^"-illegal".Length])}，违法）",
            _ when cause.StartsWith("reclassification-", StringComparison.Ordinal) => $"地类变更（{W(cause["reclassification-".Length..])}）",
            _ when cause.StartsWith("supplementation-", StringComparison.Ordinal) => $"补充耕地（{W(cause["supplementation-".Length..])}）",
            _ when cause.StartsWith("encroachment-", StringComparison.Ordinal) => $"侵占（{W(cause["encroachment-".Length..])}）",
            _ when cause.StartsWith("damage-", StringComparison.Ordinal) => $"损毁（{W(cause["damage-".Length..])}）",
            _ when cause.StartsWith("reclamation-to-", StringComparison.Ordinal) => $"复垦为{W(cause["reclamation-to-".Length..])}",
            _ => cause,
        };
    }

    public static string Liability(string kind) => kind switch
    {
        "farmlandBelowRetentionTarget" => "耕地低于保有量目标",
        "permanentBasicBelowTarget" => "永久基本农田低于保护目标",
        "waterOveruse" => "用水超过总量控制指标",
        "miningDamagedUnreclaimed" => "矿山损毁土地未复垦",
        "redLineEncroachmentsOpen" => "生态保护红线侵占未整改",
        "landQuotaOveruse" => "占用耕地超过年度指标",
        "landUseWithoutQuota" => "无年度指标占用耕地",
        "redLineOverlapsOpen" => "图斑叠加发现的生态保护红线压占",
        "permanentBasicOverlapsOpen" => "图斑叠加发现的永久基本农田压占",
        "farmlandInOutDeficit" => "耕地进出平衡缺口（耕地转为其他农用地未补足）",
        _ => kind,
    };
}
