namespace Ledger.Flows;

/// <summary>Accounts of the balance sheet, plus the internal ones liabilities are computed from.</summary>
public static class Accounts
{
    public const string Farmland = "farmland";
    public const string PermanentBasicFarmland = "permanentBasicFarmland";
    public const string RedLine = "redLine";
    public const string MiningOccupied = "miningOccupied";
    public const string MiningDamagedUnreclaimed = "miningDamagedUnreclaimed";
    /// <summary>Red-line area encroached and not yet rectified (a liability, not a stock).</summary>
    public const string RedLineEncroachedOpen = "redLineEncroachedOpen";
    public const string WaterQuota = "waterQuota";
    public const string WaterUse = "waterUse";
    /// <summary>The year's farmland-occupation quota (占用耕地指标); flows carry the quota year.</summary>
    public const string LandQuota = "landQuota";
    /// <summary>The year's new-construction-land quota (新增建设用地指标); flows carry the quota year.</summary>
    public const string LandQuotaNewConstruction = "landQuotaNewConstruction";
    /// <summary>Land of every class but farmland, from the landuse streams (contract 1.8); farmland's side comes from its own rows.</summary>
    public const string LandUse = "landUse";

    public static readonly string[] Stocks = [Farmland, PermanentBasicFarmland, RedLine, MiningOccupied, MiningDamagedUnreclaimed];
}

/// <summary>
/// Human (occupation, conversion, designation …), natural (disasters) or other
/// (registration of existing stock, corrections: reclassifications in SEEA's terms).
/// </summary>
public static class Nature
{
    public const string Human = "human";
    public const string Natural = "natural";
    public const string Other = "other";
}

/// <summary>A signed change of one account caused by one event. <see cref="Year"/> is set for the yearly quota accounts (water, land quotas) only.</summary>
/// <param name="LandClass">The 三调 class the amount is land of: on farmland and land-use rows only.</param>
/// <param name="OtherClass">
/// The class the land went to (or, for a restoration, came from); <see cref="LandUseFlows.Paired"/> on a
/// restored farmland registration whose other side is its reclassification's row; null when the land
/// entered or left the surveyed land (registrations, corrections, disasters).
/// </param>
public sealed record Flow(string Account, string Cause, string Nature, decimal Amount, int? Year = null,
    string? LandClass = null, string? OtherClass = null);
