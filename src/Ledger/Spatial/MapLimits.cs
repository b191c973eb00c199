
namespace Ledger.Spatial;

/// <summary>
/// What one map, overlaps or tile request may cost (docs/map.md#bounds): at most
/// <see cref="MaxFeatures"/> features or overlap rows and <see cref="MaxBytes"/> of GeoJSON,
/// summed over every database the answer reads, and <see cref="Timeout"/> per statement.
/// One auditor key at the rate limit could otherwise keep every core busy building 55 MB maps.
/// </summary>
public sealed record MapLimits(int MaxFeatures, long MaxBytes, TimeSpan Timeout)
{
    public const int DefaultMaxFeatures = 20_000;
    public const int DefaultMaxMb = 32;
    public const int DefaultTimeoutSeconds = 10;

    public static readonly MapLimits Default = new(DefaultMaxFeatures, DefaultMaxMb * 1024L * 1024, TimeSpan.FromSeconds(DefaultTimeoutSeconds));

    /// <summary>No cap and no timeout: for the operator's own tools (benchmarks), never for a request.</summary>
    public static readonly MapLimits None = new(int.MaxValue - 1, long.MaxValue, TimeSpan.Zero);

    /// <summary><c>LEDGER_MAP_MAX_FEATURES</c>, <c>LEDGER_MAP_MAX_MB</c> and <c>LEDGER_MAP_TIMEOUT_SECONDS</c>; unset keeps the default (<see cref="Storage.OperatorSettings"/>).</summary>
    public static MapLimits From(Func<string, string?> setting) => new(
        Storage.OperatorSettings.MapMaxFeatures.Int(setting), Storage.OperatorSettings.MapMaxMb.Long(setting) * 1024 * 1024,
        TimeSpan.FromSeconds(Storage.OperatorSettings.MapTimeoutSeconds.Read(setting)));
}
