using System.Globalization;

namespace Ledger.Storage;

/// <summary>
/// A number the operator may set (environment or configuration). Unset or empty takes the default; anything else must read
/// as a number in range, or the service refuses to start naming the setting: a value quietly replaced by its default is a
/// limit the operator believes is set and is not.
/// </summary>
/// <param name="Whole">Digits only (an optional minus sign); otherwise a decimal number with a point.</param>
/// <summary>One of the settings the start checks (<see cref="OperatorSettings.Check"/>).</summary>
public interface IOperatorSetting
{
    string Name { get; }

    /// <summary>Reads it as its users will, refusing the start (<see cref="StartupRefusedException"/>) on a value it cannot read.</summary>
    void Check(Func<string, string?> setting);
}

public sealed record NumericSetting(string Name, double Default, double Min, double Max, bool Whole = true) : IOperatorSetting
{
    public void Check(Func<string, string?> setting) => Read(setting);

    public double Read(Func<string, string?> setting)
    {
        var text = setting(Name);
        if (string.IsNullOrWhiteSpace(text)) return Default;
        var style = Whole ? NumberStyles.AllowLeadingSign : NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint;
        if (double.TryParse(text, style, CultureInfo.InvariantCulture, out var value) && value >= Min && value <= Max) return value;
        throw new StartupRefusedException($"{Name} '{text}' is not {(Whole ? "a whole number" : "a number")} from {Show(Min)} to {Show(Max)} " +
                                          $"(unset, it is {Show(Default)})");
    }

    public int Int(Func<string, string?> setting) => (int)Read(setting);

    public long Long(Func<string, string?> setting) => (long)Read(setting);

    private static string Show(double v) => v.ToString(v == Math.Floor(v) ? "#,0" : "#,0.###", CultureInfo.InvariantCulture);
}

/// <summary>An on/off setting: unset or empty takes the default; 1, true, on or 0, false, off; anything else refuses the start.</summary>
/// <param name="Meaning">What "on" does, for the refusal's message.</param>
public sealed record SwitchSetting(string Name, bool Default, string Meaning) : IOperatorSetting
{
    public void Check(Func<string, string?> setting) => Read(setting);

    public bool Read(Func<string, string?> setting) => setting(Name) switch
    {
        null or "" => Default,
        "1" or "true" or "on" => true,
        "0" or "false" or "off" => false,
        var other => throw new StartupRefusedException(
            $"{Name} '{other}' is neither 1 ({Meaning}) nor 0 (unset, it is {(Default ? 1 : 0)}); true/false and on/off are read too"),
    };
}

/// <summary>A setting with a few named values: unset or empty takes the first; anything not listed refuses the start.</summary>
public sealed record ChoiceSetting(string Name, params string[] Values) : IOperatorSetting
{
    public void Check(Func<string, string?> setting) => Read(setting);

    public string Read(Func<string, string?> setting) => setting(Name) switch
    {
        null or "" => Values[0],
        var v when Values.Contains(v, StringComparer.Ordinal) => v,
        var other => throw new StartupRefusedException($"{Name} '{other}' is not one of {string.Join(", ", Values)} (unset, it is {Values[0]})"),
    };
}

/// <summary>Every number and switch the service reads from its settings, with its default and range (docs/operations.md describes each).</summary>
public static class OperatorSettings
{
    private const double MaxMb = 1024 * 1024; // a terabyte: far above any sensible limit, far below a long's bytes
    private const double Year = 525_600; // minutes

    public static readonly NumericSetting RateLimit = new("LEDGER_RATE_LIMIT", 50, 1, int.MaxValue);
    public static readonly NumericSetting AddressRateLimit = new("LEDGER_ADDRESS_RATE_LIMIT", 20, 1, int.MaxValue);
    public static readonly NumericSetting KeyCacheEntries = new("LEDGER_KEY_CACHE_ENTRIES", 10_000, 1, int.MaxValue);
    public static readonly NumericSetting RollbackCheckSeconds = new("LEDGER_ROLLBACK_CHECK_SECONDS", 60, 1, int.MaxValue);
    public static readonly NumericSetting ShardRetrySeconds = new("LEDGER_SHARD_RETRY_SECONDS", 10, 1, int.MaxValue);
    public static readonly NumericSetting LogBuildSeconds = new("LEDGER_LOG_BUILD_SECONDS", 60, 0, int.MaxValue);
    public static readonly NumericSetting MetricsRefreshSeconds = new("LEDGER_METRICS_REFRESH_SECONDS", 15, 1, int.MaxValue);
    public static readonly NumericSetting CheckpointMinutes = new("LEDGER_CHECKPOINT_MINUTES", 10, 0.001, Year, Whole: false);
    /// <summary>0: once at start; negative: never.</summary>
    public static readonly NumericSetting DerivedCheckMinutes = new("LEDGER_DERIVED_CHECK_MINUTES", 10, -Year, Year, Whole: false);
    public static readonly NumericSetting ImportMaxMb = new("LEDGER_IMPORT_MAX_MB", 256, 1, MaxMb);
    public static readonly NumericSetting ImportWorkers = new("LEDGER_IMPORT_WORKERS", 2, 1, 64);
    public static readonly NumericSetting ImportMaxMinutes = new("LEDGER_IMPORT_MAX_MINUTES", 120, 0.001, Year, Whole: false);
    public static readonly NumericSetting UploadsInFlight = new("LEDGER_UPLOADS_IN_FLIGHT", 4, 1, 1024);
    public static readonly NumericSetting ScratchMaxMb = new("LEDGER_SCRATCH_MAX_MB", 4096, 0, MaxMb);
    public static readonly NumericSetting ScratchMinFreeMb = new("LEDGER_SCRATCH_MIN_FREE_MB", 1024, 0, MaxMb);
    public static readonly NumericSetting MapMaxFeatures = new("LEDGER_MAP_MAX_FEATURES", Spatial.MapLimits.DefaultMaxFeatures, 1, int.MaxValue - 1);
    public static readonly NumericSetting MapMaxMb = new("LEDGER_MAP_MAX_MB", Spatial.MapLimits.DefaultMaxMb, 1, MaxMb - 1);
    public static readonly NumericSetting MapTimeoutSeconds = new("LEDGER_MAP_TIMEOUT_SECONDS", Spatial.MapLimits.DefaultTimeoutSeconds, 0.001, 3600, Whole: false);
    public static readonly NumericSetting MapConcurrency = new("LEDGER_MAP_CONCURRENCY", 2, 1, int.MaxValue);
    public static readonly NumericSetting TileCacheMb = new("LEDGER_TILE_CACHE_MB", 64, 0, MaxMb);
    public static readonly NumericSetting NodeHeartbeatSeconds = new("LEDGER_NODE_HEARTBEAT_SECONDS", 10, 1, int.MaxValue);
    public static readonly NumericSetting NodeStaleSeconds = new("LEDGER_NODE_STALE_SECONDS", 60, 1, int.MaxValue);
    public static readonly NumericSetting WitnessSeconds = new("LEDGER_WITNESS_SECONDS", 10, 0.001, 3600, Whole: false);
    public static readonly NumericSetting AuditReportsPerDay = new("LEDGER_AUDIT_REPORTS_PER_DAY", 200, 1, int.MaxValue);
    public static readonly NumericSetting InterimReportsPerDay = new("LEDGER_INTERIM_REPORTS_PER_DAY", 50, 1, int.MaxValue);

    public static readonly SwitchSetting Log = new("LEDGER_LOG", true, "keep the transparency log");
    public static readonly SwitchSetting Demo = new("LEDGER_DEMO", true, "load the synthetic demo province into a ledger that has no other client's events");
    public static readonly SwitchSetting Telemetry = new("LEDGER_TELEMETRY", true, "metrics, traces and the metrics listener");
    public static readonly SwitchSetting RunAsOwner = new("LEDGER_RUN_AS_OWNER", false, "run as the database owner instead of the append-only role");
    public static readonly ChoiceSetting LogFormat = new("LEDGER_LOG_FORMAT", "text", "json");

    public static IReadOnlyList<NumericSetting> Numbers { get; } =
    [
        RateLimit, AddressRateLimit, KeyCacheEntries, RollbackCheckSeconds, ShardRetrySeconds, LogBuildSeconds, MetricsRefreshSeconds,
        CheckpointMinutes, DerivedCheckMinutes, ImportMaxMb, ImportWorkers, ImportMaxMinutes, UploadsInFlight, ScratchMaxMb, ScratchMinFreeMb,
        MapMaxFeatures, MapMaxMb, MapTimeoutSeconds, MapConcurrency, TileCacheMb, NodeHeartbeatSeconds, NodeStaleSeconds, WitnessSeconds,
        AuditReportsPerDay, InterimReportsPerDay,
    ];

    public static IReadOnlyList<SwitchSetting> Switches { get; } = [Log, Demo, Telemetry, RunAsOwner];

    public static IReadOnlyList<IOperatorSetting> All { get; } = [.. Numbers, .. Switches, LogFormat];

    /// <summary>Reads every one at start, so a bad value stops the start rather than the first request that needs it.</summary>
    public static void Check(Func<string, string?> setting)
    {
        foreach (var s in All) s.Check(setting);
    }
}
