using Ledger.Events;
using NodaTime;

namespace Ledger.Regions;

public sealed record RegionState(string Id, long Version, string RegionCode, LocalDate OpenedOn,
    string Name, string Level, string ParentCode, decimal? RetentionTargetHa, decimal? PermanentBasicTargetHa,
    IReadOnlyList<string>? Predecessors = null) : IStreamState;

public sealed class RegionRules : StreamRules<RegionState>
{
    public override string Domain => "region";

    protected override IEnumerable<RuleError> Check(RegionState? state, ILedgerEvent e, RuleContext context)
    {
        if (e is not RegionRegistered r) yield break;

        if (RegionCodes.LevelOf(r.RegionCode) != r.Level)
            yield return Error("data.level", $"code {r.RegionCode} is a {RegionCodes.LevelOf(r.RegionCode)} code, not a {r.Level}");

        var parents = RegionCodes.PossibleParents(r.RegionCode);
        if (!parents.Contains(r.ParentCode))
        {
            yield return Error("data.parentCode", $"the parent of {r.RegionCode} must be one of {string.Join(", ", parents)}");
        }
        else if (r.ParentCode != RegionCodes.Nation && context.Region(r.ParentCode) is null)
        {
            yield return Error("data.parentCode", $"parent region {r.ParentCode} is not registered");
        }
        else if (context.Codes.RetiredOn(r.ParentCode) is { } retired && retired <= r.EffectiveDate)
        {
            yield return Error("data.parentCode", $"parent region {r.ParentCode} was retired on {retired:yyyy-MM-dd} (succeeded by " +
                $"{string.Join(", ", context.Codes.Retirement(r.ParentCode).Select(l => l.Successor))})");
        }
    }

    protected override RegionState Apply(RegionState? state, ILedgerEvent e, string id, long version) => e switch
    {
        RegionRegistered r => new RegionState(id, version, r.RegionCode, r.EffectiveDate, r.Name, r.Level, r.ParentCode, null, null),
        RegionFarmlandTargetSet t => Require(state) with
        {
            Version = version, RetentionTargetHa = t.RetentionHa, PermanentBasicTargetHa = t.PermanentBasicHa,
        },
        RegionSucceeded s => Require(state) with { Version = version, Predecessors = [.. state!.Predecessors ?? [], .. s.Predecessors] },
        _ => throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name, "not a region event"),
    };
}
