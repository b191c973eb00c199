using Ledger.Events;
using NodaTime;

namespace Ledger.Mining;

/// <summary>
/// Land of one mining right. Damaged land is part of the occupied land; reclaimed land leaves
/// both. Restoration rate = reclaimed / damaged.
/// </summary>
public sealed record MiningSiteState(string Id, long Version, string RegionCode, LocalDate OpenedOn,
    string Mineral, LocalDate ValidFrom, LocalDate ValidTo, decimal PermittedAreaHa,
    decimal OccupiedHa, decimal DamagedUnreclaimedHa, decimal DamagedTotalHa, decimal ReclaimedTotalHa,
    LocalDate? ClosedOn) : IStreamState;

public sealed class MiningRules : StreamRules<MiningSiteState>
{
    public override string Domain => "mining";

    protected override IEnumerable<RuleError> Check(MiningSiteState? state, ILedgerEvent e, RuleContext context)
    {
        if (state is null) yield break;

        if (state.ClosedOn is { } closed && e is not MiningLandReclaimed)
        {
            yield return Error("type", $"the site closed on {closed:yyyy-MM-dd}; only reclamation may follow");
            yield break;
        }

        switch (e)
        {
            case MiningLandOccupied o when e.EffectiveDate < state.ValidFrom || e.EffectiveDate > state.ValidTo:
                yield return Error("effectiveDate",
                    $"the mining right is valid from {state.ValidFrom:yyyy-MM-dd} to {state.ValidTo:yyyy-MM-dd} only");
                break;
            case MiningLandOccupied o when state.OccupiedHa + o.AreaHa > state.PermittedAreaHa:
                yield return Error("data.areaHa",
                    $"exceeds the permitted area still free: {Ha(state.PermittedAreaHa - state.OccupiedHa)}");
                break;
            case MiningLandDamaged d when state.DamagedUnreclaimedHa + d.AreaHa > state.OccupiedHa:
                yield return Error("data.areaHa",
                    $"exceeds the occupied land not already damaged: {Ha(state.OccupiedHa - state.DamagedUnreclaimedHa)}");
                break;
            case MiningLandReclaimed r when r.AreaHa > state.DamagedUnreclaimedHa:
                yield return Error("data.areaHa", $"exceeds the damaged land not yet reclaimed: {Ha(state.DamagedUnreclaimedHa)}");
                break;
        }
    }

    protected override MiningSiteState Apply(MiningSiteState? state, ILedgerEvent e, string id, long version)
    {
        if (e is MiningRightGranted g)
            return new MiningSiteState(id, version, g.RegionCode, g.EffectiveDate, g.Mineral, g.ValidFrom, g.ValidTo,
                g.PermittedAreaHa, 0, 0, 0, 0, null);

        var s = Require(state);
        var next = e switch
        {
            MiningLandOccupied o => s with { OccupiedHa = s.OccupiedHa + o.AreaHa },
            MiningLandDamaged d => s with
            {
                DamagedUnreclaimedHa = s.DamagedUnreclaimedHa + d.AreaHa, DamagedTotalHa = s.DamagedTotalHa + d.AreaHa,
            },
            MiningLandReclaimed r => s with
            {
                DamagedUnreclaimedHa = s.DamagedUnreclaimedHa - r.AreaHa,
                OccupiedHa = s.OccupiedHa - r.AreaHa,
                ReclaimedTotalHa = s.ReclaimedTotalHa + r.AreaHa,
            },
            MiningSiteClosed c => s with { ClosedOn = c.EffectiveDate },
            _ => throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name, "not a mining event"),
        };
        return next with { Version = version };
    }
}
