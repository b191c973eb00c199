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

/// <summary>A signed change of one account caused by one event. <see cref="Year"/> is set for water only.</summary>
public sealed record Flow(string Account, string Cause, string Nature, decimal Amount, int? Year = null);
