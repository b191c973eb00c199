using Ledger.Events;
using NodaTime;

namespace Ledger.LandQuotas;

/// <summary>
/// One region's land-use quota for one year. Use is not kept here: it is the region's approved
/// farmland occupation in the year, read from the farmland flows (see <see cref="LandQuotaUnits"/>).
/// </summary>
public sealed record LandQuotaState(string Id, long Version, string RegionCode, LocalDate OpenedOn, int Year,
    decimal FarmlandOccupationHa, decimal NewConstructionHa, string PlanRef) : IStreamState;

public sealed class LandQuotaRules : StreamRules<LandQuotaState>
{
    public override string Domain => "landquota";

    /// <summary>Zero is allowed (a quota withdrawn in full), a negative quota is not: it would be a licence to occupy less than nothing.</summary>
    protected override IEnumerable<RuleError> Check(LandQuotaState? state, ILedgerEvent e, RuleContext context)
    {
        if (state is null || e is not LandQuotaAdjusted a) yield break;
        if (a.DeltaFarmlandOccupationHa is { } f && state.FarmlandOccupationHa + f < 0)
            yield return Error($"data.{LandQuotaEventTypes.DeltaFarmland}",
                $"would leave a negative quota: {Ha(state.FarmlandOccupationHa)} allocated for {state.Year}, change {f:0.####} ha");
        if (a.DeltaNewConstructionHa is { } c && state.NewConstructionHa + c < 0)
            yield return Error($"data.{LandQuotaEventTypes.DeltaConstruction}",
                $"would leave a negative quota: {Ha(state.NewConstructionHa)} of new construction land for {state.Year}, change {c:0.####} ha");
    }

    protected override LandQuotaState Apply(LandQuotaState? state, ILedgerEvent e, string id, long version)
    {
        if (e is LandQuotaAllocated q)
            return new LandQuotaState(id, version, q.RegionCode, q.EffectiveDate, q.Year, q.FarmlandOccupationHa, q.NewConstructionHa ?? 0, q.PlanRef);

        var s = Require(state);
        return e switch
        {
            LandQuotaAdjusted a => s with
            {
                Version = version,
                FarmlandOccupationHa = s.FarmlandOccupationHa + (a.DeltaFarmlandOccupationHa ?? 0),
                NewConstructionHa = s.NewConstructionHa + (a.DeltaNewConstructionHa ?? 0),
            },
            _ => throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name, "not a land-quota event"),
        };
    }
}
