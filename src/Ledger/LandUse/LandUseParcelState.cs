using Ledger.Events;
using NodaTime;

namespace Ledger.LandUse;

/// <summary>
/// A land-use parcel: the area still of its registered class. Land reclassified leaves it (the
/// region's accounts carry it on under its new class, from this stream's rows), so a parcel
/// reclassified whole holds nothing and refuses any further change.
/// </summary>
public sealed record LandUseParcelState(string Id, long Version, string RegionCode, LocalDate OpenedOn,
    decimal AreaHa, string LandClass, string Origin) : IStreamState;

public sealed class LandUseRules : StreamRules<LandUseParcelState>
{
    public override string Domain => "landuse";

    protected override IEnumerable<RuleError> Check(LandUseParcelState? state, ILedgerEvent e, RuleContext context)
    {
        if (state is null || e is not LandReclassified r) yield break;
        if (r.AreaHa > state.AreaHa)
            yield return Error("data.areaHa", state.AreaHa == 0
                ? $"the parcel holds no land of class {state.LandClass} any more: all of it was reclassified"
                : $"exceeds the parcel's {Ha(state.AreaHa)} of class {state.LandClass}");
        if (r.ToClass == state.LandClass)
            yield return Error("data.toClass", $"is the parcel's own class {state.LandClass}");
    }

    protected override LandUseParcelState Apply(LandUseParcelState? state, ILedgerEvent e, string id, long version) => e switch
    {
        LandUseParcelRegistered r => new LandUseParcelState(id, version, r.RegionCode, r.EffectiveDate, r.AreaHa, r.LandClass, r.Origin),
        LandReclassified r => Require(state) with { AreaHa = Require(state).AreaHa - r.AreaHa, Version = version },
        _ => throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name, "not a land-use event"),
    };
}
