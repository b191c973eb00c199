using Ledger.Events;
using Ledger.Farmland;
using Ledger.Mining;
using Ledger.RedLines;

namespace Ledger.Spatial;

/// <summary>
/// How a declared area must agree with its geometry (contract 1.1): never above the geometry's
/// ellipsoidal area by more than 0.5 % + 0.01 ha; a zone's area and a licence's permitted area
/// not below it by more than that either. A parcel's net area may be smaller than its boundary
/// (田坎 and other deductions), and so may a footprint's. Pure: the state after the event gives
/// the parcel's or zone's new area where the event carries a delta.
/// </summary>
public static class DeclaredArea
{
    public const decimal RelativeTolerance = 0.005m;
    public const decimal AbsoluteToleranceHa = 0.01m;

    public static decimal Tolerance(decimal geometryHa) => Math.Round(geometryHa * RelativeTolerance, 4) + AbsoluteToleranceHa;

    public static IEnumerable<RuleError> Check(ILedgerEvent e, IStreamState after, Shape shape)
    {
        var (field, what, declared, twoSided) = e switch
        {
            ParcelRegistered x => ("data.areaHa", "the parcel's area", x.AreaHa, false),
            LandUse.LandUseParcelRegistered x => ("data.areaHa", "the parcel's area", x.AreaHa, false),
            FarmlandAreaCorrected => ("data.deltaHa", "the parcel's corrected area", ((ParcelState)after).AreaHa, false),
            ZoneDesignated x => ("data.areaHa", "the zone's area", x.AreaHa, true),
            ZoneAdjusted => ("data.deltaHa", "the zone's adjusted area", ((ZoneState)after).AreaHa, true),
            MiningRightGranted x => ("data.permittedAreaHa", "the permitted area", x.PermittedAreaHa, true),
            FarmlandOccupied x => ("data.areaHa", "the occupied area", x.AreaHa, false),
            EncroachmentDetected x => ("data.areaHa", "the encroached area", x.AreaHa, false),
            MiningLandOccupied x => ("data.areaHa", "the occupied area", x.AreaHa, false),
            MiningLandDamaged x => ("data.areaHa", "the damaged area", x.AreaHa, false),
            MiningLandReclaimed x => ("data.areaHa", "the reclaimed area", x.AreaHa, false),
            _ => throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name, "carries no geometry"),
        };
        var slack = Tolerance(shape.AreaHa);
        if (declared > shape.AreaHa + slack)
            yield return new RuleError(field,
                $"{what} is {declared} ha, more than its geometry's ellipsoidal area of {shape.AreaHa} ha allows " +
                $"(at most {shape.AreaHa + slack} ha: 0.5 % + 0.01 ha above it)");
        else if (twoSided && declared < shape.AreaHa - slack)
            yield return new RuleError(field,
                $"{what} is {declared} ha, less than its geometry's ellipsoidal area of {shape.AreaHa} ha allows " +
                $"(at least {shape.AreaHa - slack} ha: 0.5 % + 0.01 ha below it)");
    }
}
