using Ledger.Events;
using Ledger.Farmland;
using Ledger.LandQuotas;
using Ledger.LandUse;
using Ledger.Mining;
using Ledger.RedLines;
using Ledger.Water;
using static Ledger.Flows.Accounts;

namespace Ledger.Flows;

/// <summary>
/// Turns one accepted event into signed quantity flows, from the stream's state before and
/// after it. Pure: the same function runs at ingest and in rebuilds, so they cannot differ.
/// </summary>
public static class FlowRules
{
    public static IEnumerable<Flow> Of(IStreamState? before, ILedgerEvent e, IStreamState after) => (before, e, after) switch
    {
        (_, ParcelRegistered r, ParcelState a) => Parcel(null, a, RegistrationCause(r.Origin), r.Origin == "baseline" ? Nature.Other : Nature.Human,
            r.RestoredFromEventId is null ? null : LandUseFlows.Paired),
        (ParcelState b, FarmlandOccupied o, ParcelState a) => Parcel(b, a, $"occupation-{o.Purpose}-{(o.Legal ? "legal" : "illegal")}", Nature.Human,
            FarmlandDestinations.Of(o)),
        (ParcelState b, FarmlandConverted c, ParcelState a) => Parcel(b, a, $"conversion-to-{c.To}", Nature.Human, FarmlandDestinations.Of(c)),
        (ParcelState b, FarmlandLostToDisaster, ParcelState a) => Parcel(b, a, "disaster", Nature.Natural),
        (ParcelState b, FarmlandSupplemented s, ParcelState a) => Parcel(b, a, $"supplementation-{s.Method}", Nature.Human),
        (ParcelState b, PermanentBasicDesignated, ParcelState a) => Parcel(b, a, "designation", Nature.Human),
        (ParcelState b, PermanentBasicReleased, ParcelState a) => Parcel(b, a, "release", Nature.Human),
        (ParcelState b, FarmlandAreaCorrected, ParcelState a) => Parcel(b, a, "correction", Nature.Other),

        (_, LandUseParcelRegistered r, LandUseParcelState) =>
            [new Flow(Accounts.LandUse, $"registration-{r.Origin}", r.Origin == "baseline" ? Nature.Other : Nature.Human, r.AreaHa, LandClass: r.LandClass)],
        (LandUseParcelState b, LandReclassified r, LandUseParcelState) =>
            [new Flow(Accounts.LandUse, LandUseFlows.ReclassificationCause(r), Nature.Human, -r.AreaHa, LandClass: b.LandClass, OtherClass: r.ToClass)],

        (_, ZoneDesignated, ZoneState a) => [new Flow(RedLine, "designation", Nature.Human, a.AreaHa)],
        (_, ZoneAdjusted z, ZoneState) => [new Flow(RedLine, "adjustment", Nature.Human, z.DeltaHa)],
        (_, EncroachmentDetected d, ZoneState) => [new Flow(RedLineEncroachedOpen, $"encroachment-{d.Activity}", Nature.Human, d.AreaHa)],
        (_, EncroachmentRectified r, ZoneState) => [new Flow(RedLineEncroachedOpen, "rectification", Nature.Human, -r.AreaHa)],

        (_, MiningLandOccupied o, MiningSiteState) => [new Flow(MiningOccupied, $"occupation-of-{o.PriorUse}", Nature.Human, o.AreaHa)],
        (_, MiningLandDamaged d, MiningSiteState) => [new Flow(MiningDamagedUnreclaimed, $"damage-{d.Damage}", Nature.Human, d.AreaHa)],
        (_, MiningLandReclaimed r, MiningSiteState) =>
        [
            new Flow(MiningOccupied, $"reclamation-to-{r.ReclaimedTo}", Nature.Human, -r.AreaHa),
            new Flow(MiningDamagedUnreclaimed, $"reclamation-to-{r.ReclaimedTo}", Nature.Human, -r.AreaHa),
        ],

        (_, WaterQuotaAllocated q, WaterAccountState a) => [new Flow(WaterQuota, "allocation", Nature.Human, q.TotalQuota, a.Year)],
        (_, WaterQuotaAdjusted q, WaterAccountState a) => [new Flow(WaterQuota, "adjustment", Nature.Human, q.DeltaQuota, a.Year)],
        (_, WaterUseReported u, WaterAccountState a) => [new Flow(WaterUse, $"use-{u.Source}-{u.Sector}", Nature.Human, u.Volume, a.Year)],

        (_, LandQuotaAllocated q, LandQuotaState a) => LandQuotas(q.FarmlandOccupationHa, q.NewConstructionHa, "allocation", a.Year),
        (_, LandQuotaAdjusted q, LandQuotaState a) => LandQuotas(q.DeltaFarmlandOccupationHa, q.DeltaNewConstructionHa, "adjustment", a.Year),

        _ => [],
    };

    private static IEnumerable<Flow> LandQuotas(decimal? farmland, decimal? construction, string cause, int year)
    {
        if (farmland is { } f) yield return new Flow(LandQuota, cause, Nature.Human, f, year);
        if (construction is { } c) yield return new Flow(LandQuotaNewConstruction, cause, Nature.Human, c, year);
    }

    private static string RegistrationCause(string origin) => origin switch
    {
        "baseline" => "registration-baseline",
        "supplemented" => "registration-supplemented",
        _ => "registration-restored",
    };

    /// <summary>
    /// Farmland and permanent basic farmland flows: the change of each stock, under one cause. The
    /// farmland row is also land of the parcel's class, gone to (or come from) <paramref name="other"/>.
    /// </summary>
    private static IEnumerable<Flow> Parcel(ParcelState? before, ParcelState after, string cause, string nature, string? other = null)
    {
        var area = after.AreaHa - (before?.AreaHa ?? 0);
        var protectedArea = after.PermanentBasicHa - (before?.PermanentBasicHa ?? 0);
        if (area != 0) yield return new Flow(Accounts.Farmland, cause, nature, area, LandClass: LandClasses.OfFarmlandType(after.LandType), OtherClass: other);
        if (protectedArea != 0) yield return new Flow(PermanentBasicFarmland, cause, nature, protectedArea);
    }
}
