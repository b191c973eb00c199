using NodaTime;

namespace Ledger.Audit.BalanceSheets;

/// <summary>Flow totals of one region, account and cause: before the period, and added or taken within it.</summary>
public sealed record StockRow(string RegionCode, string Account, string Cause, string Nature, decimal Before, decimal Added, decimal Reduced);

/// <summary>Quota and use of one water stream (one region, one year).</summary>
public sealed record WaterRow(string RegionCode, int Year, decimal Quota, decimal Use);

/// <summary>The target in force for a region: the latest by effective date, as known.</summary>
public sealed record TargetInForce(string RegionCode, decimal RetentionHa, decimal PermanentBasicHa, LocalDate EffectiveDate);
