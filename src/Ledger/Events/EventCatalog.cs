using System.Text.RegularExpressions;
using Ledger.Farmland;
using Ledger.LandQuotas;
using Ledger.LandUse;
using Ledger.Mining;
using Ledger.RedLines;
using Ledger.Regions;
using Ledger.Tenures;
using Ledger.Water;

namespace Ledger.Events;

/// <summary>Every v1 event type and every stream kind, in one place.</summary>
public static partial class EventCatalog
{
    public static readonly IReadOnlyList<EventTypeSpec> Types =
    [
        .. RegionEventTypes.All, .. TenureEventTypes.All, .. FarmlandEventTypes.All,
        .. RedLineEventTypes.All, .. MiningEventTypes.All, .. WaterEventTypes.All,
        .. LandQuotaEventTypes.All, .. LandUseEventTypes.All,
    ];

    public static readonly IReadOnlyList<IStreamRules> Rules =
    [
        new RegionRules(), new TenureRules(), new ParcelRules(), new ZoneRules(), new MiningRules(), new WaterRules(),
        new LandQuotaRules(), new LandUseRules(),
    ];

    private static readonly Dictionary<string, EventTypeSpec> ByName = Types.ToDictionary(t => t.Name);
    private static readonly Dictionary<Type, EventTypeSpec> ByClrType = Types.ToDictionary(t => t.ClrType);
    private static readonly Dictionary<string, IStreamRules> RulesByDomain = Rules.ToDictionary(r => r.Domain);

    public static IReadOnlyCollection<string> Domains => RulesByDomain.Keys;

    public static EventTypeSpec? Find(string typeName) => ByName.GetValueOrDefault(typeName);
    public static EventTypeSpec For(Type clrType) => ByClrType[clrType];
    public static IStreamRules? RulesFor(string domain) => RulesByDomain.GetValueOrDefault(domain);

    /// <summary>The Marten stream id: the domain keeps parcel codes, zone codes and licences from colliding.</summary>
    public static string StreamId(string domain, string key) => $"{domain}:{key}";

    // \z, not $ (which matches before a final newline); ASCII digits only, so no look-alike
    // digits from other scripts (fullwidth, Arabic-Indic) can imitate a region prefix.
    [GeneratedRegex(@"^[\p{L}0-9][\p{L}0-9._\-]{0,63}\z")]
    private static partial Regex UnitKey();

    [GeneratedRegex(@"^([0-9]{6})-([0-9]{4})\z")]
    private static partial Regex WaterKey();

    [GeneratedRegex("^([0-9]{6})-")]
    private static partial Regex RegionPrefixedKey();

    /// <summary>Why <paramref name="key"/> cannot name any stream of <paramref name="domain"/>, whatever its region, or null.</summary>
    public static string? KeyShapeProblem(string domain, string key) => domain switch
    {
        "region" => RegionCodes.IsWellFormed(key) ? null : "a region stream's key is a six-digit GB/T 2260 code",
        "water" => WaterKey().IsMatch(key) ? null : "a water stream's key is regionCode-year, e.g. 410102-2024",
        "landquota" => WaterKey().IsMatch(key) ? null : "a land-quota stream's key is regionCode-year, e.g. 410102-2024",
        _ => UnitKey().IsMatch(key) ? null : "must be 1-64 letters, ASCII digits or . _ - and start with a letter or digit",
    };

    /// <summary>Why <paramref name="key"/> cannot name a stream of <paramref name="domain"/> for this region, or null.</summary>
    public static string? CheckStreamKey(string domain, string key, string regionCode)
    {
        if (domain == "region") return key == regionCode ? null : $"a region stream's key is its region code: expected {regionCode}";
        if (KeyShapeProblem(domain, key) is { } bad) return bad;
        var prefix = RegionPrefixedKey().Match(key);
        if (!prefix.Success || prefix.Groups[1].Value == regionCode) return null;
        return domain is "water" or "landquota"
            ? $"the stream belongs to region {prefix.Groups[1].Value}, not {regionCode}"
            : $"the key is prefixed with region {prefix.Groups[1].Value}, not {regionCode}";
    }
}
