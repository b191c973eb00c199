using Ledger.Events;
using Ledger.Farmland;
using Ledger.Flows;
using Ledger.Mining;
using Ledger.RedLines;
using Ledger.Regions;
using Ledger.Water;
using NodaTime;
using Shouldly;

namespace Ledger.Tests.Unit;

/// <summary>Every event type's flows, computed by hand: account, cause, nature and signed amount.</summary>
public sealed class FlowRulesTests
{
    private static readonly LocalDate D = new(2024, 5, 1);
    private const string R = "410102";

    public static TheoryData<string, ILedgerEvent[], string[]> Cases() => new()
    {
        { "baseline parcel", [new ParcelRegistered(R, D, 10m, "dry", 3, true, "baseline")],
            ["farmland registration-baseline other 10", "permanentBasicFarmland registration-baseline other 10"] },
        { "supplemented parcel", [new ParcelRegistered(R, D, 4m, "dry", 3, false, "supplemented")],
            ["farmland registration-supplemented human 4"] },
        { "legal construction", [Parcel(), new FarmlandOccupied(R, D, 2m, "construction", true, "批")], ["farmland occupation-construction-legal human -2"] },
        { "illegal mining", [Parcel(), new FarmlandOccupied(R, D, 1m, "mining", false, null)], ["farmland occupation-mining-illegal human -1"] },
        { "conversion", [Parcel(), new FarmlandConverted(R, D, 1.5m, "orchard")], ["farmland conversion-to-orchard human -1.5"] },
        { "disaster takes protected land once the rest is gone", [Parcel(), new PermanentBasicDesignated(R, D, 8m), new FarmlandLostToDisaster(R, D, 3m, "flood")],
            ["farmland disaster natural -3", "permanentBasicFarmland disaster natural -1"] },
        { "supplementation", [Parcel(), new FarmlandSupplemented(R, D, 0.5m, "consolidation")], ["farmland supplementation-consolidation human 0.5"] },
        { "designation", [Parcel(), new PermanentBasicDesignated(R, D, 2m)], ["permanentBasicFarmland designation human 2"] },
        { "release", [Parcel(protect: true), new PermanentBasicReleased(R, D, 2m, "国")], ["permanentBasicFarmland release human -2"] },
        { "negative correction", [Parcel(protect: true), new FarmlandAreaCorrected(R, D, -0.25m, "测量", null)],
            ["farmland correction other -0.25", "permanentBasicFarmland correction other -0.25"] },
        { "zone", [new ZoneDesignated(R, D, 100m, "biodiversity", "批")], ["redLine designation human 100"] },
        { "zone adjustment", [new ZoneDesignated(R, D, 100m, "biodiversity", "批"), new ZoneAdjusted(R, D, -5m, "调", "批")],
            ["redLine adjustment human -5"] },
        { "encroachment", [new ZoneDesignated(R, D, 100m, "biodiversity", "批"), new EncroachmentDetected(R, D, "E1", 3m, "mining")],
            ["redLineEncroachedOpen encroachment-mining human 3"] },
        { "rectification", [new ZoneDesignated(R, D, 100m, "biodiversity", "批"), new EncroachmentDetected(R, D, "E1", 3m, "mining"),
            new EncroachmentRectified(R, D, "E1", 2m)], ["redLineEncroachedOpen rectification human -2"] },
        { "mine occupation", [Mine(), new MiningLandOccupied(R, D, 5m, "forest")], ["miningOccupied occupation-of-forest human 5"] },
        { "mine damage", [Mine(), new MiningLandOccupied(R, D, 5m, "forest"), new MiningLandDamaged(R, D, 3m, "tailings")],
            ["miningDamagedUnreclaimed damage-tailings human 3"] },
        { "reclamation", [Mine(), new MiningLandOccupied(R, D, 5m, "forest"), new MiningLandDamaged(R, D, 3m, "tailings"),
            new MiningLandReclaimed(R, D, 1m, "farmland")],
            ["miningOccupied reclamation-to-farmland human -1", "miningDamagedUnreclaimed reclamation-to-farmland human -1"] },
        { "site closed", [Mine(), new MiningSiteClosed(R, D, null)], [] },
        { "quota", [new WaterQuotaAllocated(R, D, 2024, 100m, null)], ["waterQuota allocation human 100 2024"] },
        { "quota cut", [new WaterQuotaAllocated(R, D, 2024, 100m, null), new WaterQuotaAdjusted(R, D, -10m, "批")],
            ["waterQuota adjustment human -10 2024"] },
        { "use", [new WaterQuotaAllocated(R, D, 2024, 100m, null), new WaterUseReported(R, D, D, D, 7m, "ground", "industry")],
            ["waterUse use-ground-industry human 7 2024"] },
        { "region", [new RegionRegistered(R, D, "区", "county", "410100")], [] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void each_event_becomes_the_expected_flows(string why, ILedgerEvent[] history, string[] expected)
    {
        IStreamState? state = null;
        IEnumerable<Flow> last = [];
        foreach (var e in history)
        {
            var rules = EventCatalog.RulesFor(EventCatalog.For(e.GetType()).Domain)!;
            var next = rules.Apply(state, e, "x", (state?.Version ?? 0) + 1);
            last = FlowRules.Of(state, e, next).ToList();
            state = next;
        }
        last.Select(f => $"{f.Account} {f.Cause} {f.Nature} {f.Amount}{(f.Year is { } y ? $" {y}" : "")}").ShouldBe(expected, why);
    }

    private static ParcelRegistered Parcel(bool protect = false) => new(R, D, 10m, "dry", 3, protect, "baseline");

    private static MiningRightGranted Mine() => new(R, D, "coal", D, D.PlusYears(10), 50m);
}
