namespace Ledger.Events;

public static class Quantities
{
    /// <summary>The same value without trailing zeros (43.40 → 43.4): decimal arithmetic keeps the larger scale.</summary>
    public static decimal Normalize(decimal value) => value / 1.000000000000000000000000000000000m;
}
