using Ledger.Events;
using NodaTime;

namespace Ledger.Farmland;

/// <summary>
/// A farmland parcel. Permanent basic farmland is a part of the parcel's area; when a loss
/// leaves less area than is protected, the protected part shrinks with it (the loss takes
/// the unprotected part first).
/// </summary>
public sealed record ParcelState(string Id, long Version, string RegionCode, LocalDate OpenedOn,
    decimal AreaHa, decimal PermanentBasicHa, string LandType, int QualityGrade, string Origin) : IStreamState;

public sealed class ParcelRules : StreamRules<ParcelState>
{
    public override string Domain => "farmland";

    protected override IEnumerable<RuleError> Check(ParcelState? state, ILedgerEvent e, RuleContext context)
    {
        if (state is null) yield break;
        switch (e)
        {
            case FarmlandOccupied x when x.AreaHa > state.AreaHa:
            case FarmlandConverted y when y.AreaHa > state.AreaHa:
            case FarmlandLostToDisaster z when z.AreaHa > state.AreaHa:
                yield return Error("data.areaHa", $"exceeds the parcel's remaining farmland of {Ha(state.AreaHa)}");
                break;
            case PermanentBasicDesignated d when d.AreaHa > state.AreaHa - state.PermanentBasicHa:
                yield return Error("data.areaHa",
                    $"exceeds the parcel's unprotected farmland of {Ha(state.AreaHa - state.PermanentBasicHa)}");
                break;
            case PermanentBasicReleased r when r.AreaHa > state.PermanentBasicHa:
                yield return Error("data.areaHa", $"exceeds the parcel's permanent basic farmland of {Ha(state.PermanentBasicHa)}");
                break;
            case FarmlandAreaCorrected c when state.AreaHa + c.DeltaHa < 0:
                yield return Error("data.deltaHa", $"would leave a negative area: the parcel holds {Ha(state.AreaHa)}");
                break;
        }
    }

    protected override ParcelState Apply(ParcelState? state, ILedgerEvent e, string id, long version)
    {
        if (e is ParcelRegistered r)
            return new ParcelState(id, version, r.RegionCode, r.EffectiveDate, r.AreaHa, r.PermanentBasic ? r.AreaHa : 0,
                r.LandType, r.QualityGrade, r.Origin);

        var s = Require(state);
        var next = e switch
        {
            FarmlandOccupied x => Shrink(s, x.AreaHa),
            FarmlandConverted x => Shrink(s, x.AreaHa),
            FarmlandLostToDisaster x => Shrink(s, x.AreaHa),
            FarmlandSupplemented x => s with { AreaHa = s.AreaHa + x.AreaHa },
            PermanentBasicDesignated x => s with { PermanentBasicHa = s.PermanentBasicHa + x.AreaHa },
            PermanentBasicReleased x => s with { PermanentBasicHa = s.PermanentBasicHa - x.AreaHa },
            FarmlandAreaCorrected x => x.DeltaHa < 0 ? Shrink(s, -x.DeltaHa) : s with { AreaHa = s.AreaHa + x.DeltaHa },
            _ => throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name, "not a farmland event"),
        };
        return next with { Version = version };
    }

    private static ParcelState Shrink(ParcelState s, decimal by)
    {
        var area = s.AreaHa - by;
        return s with { AreaHa = area, PermanentBasicHa = Math.Min(s.PermanentBasicHa, area) };
    }
}
