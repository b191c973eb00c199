using System.Text.Json;
using Ledger.Events;
using Ledger.Spatial;
using NodaTime;
using static Ledger.Events.FieldSpec;

namespace Ledger.Mining;

public sealed record MiningRightGranted(string RegionCode, LocalDate EffectiveDate, string Mineral, LocalDate ValidFrom,
    LocalDate ValidTo, decimal PermittedAreaHa, JsonElement? Geometry = null) : ILedgerEvent, IHasGeometry;
public sealed record MiningLandOccupied(string RegionCode, LocalDate EffectiveDate, decimal AreaHa, string PriorUse, JsonElement? Geometry = null) : ILedgerEvent, IHasGeometry;
public sealed record MiningLandDamaged(string RegionCode, LocalDate EffectiveDate, decimal AreaHa, string Damage, JsonElement? Geometry = null) : ILedgerEvent, IHasGeometry;
public sealed record MiningLandReclaimed(string RegionCode, LocalDate EffectiveDate, decimal AreaHa, string ReclaimedTo, JsonElement? Geometry = null) : ILedgerEvent, IHasGeometry;
public sealed record MiningSiteClosed(string RegionCode, LocalDate EffectiveDate, string? RestorationPlanRef) : ILedgerEvent;

public static class MiningEventTypes
{
    public static readonly EventTypeSpec[] All =
    [
        EventTypeSpec.For("mining.right-granted", creates: true,
            "A mining right (licence) is granted. The stream key is the licence number.",
            [
                Text("mineral", "The mineral mined"),
                Date("validFrom", "First day the licence is valid"),
                Date("validTo", "Last day the licence is valid"),
                Positive("permittedAreaHa", "Area the licence permits to occupy, hectares"),
                Geometry("The licensed area (矿区范围)"),
            ],
            v => new MiningRightGranted(v.RegionCode, v.EffectiveDate, v.Text("mineral"), v.Date("validFrom"), v.Date("validTo"),
                v.Decimal("permittedAreaHa"), v.Geometry),
            v => v.Date("validTo") < v.Date("validFrom") ? [("validTo", "must not be before validFrom")] : []),
        EventTypeSpec.For("mining.land-occupied", creates: false,
            "Land occupied by the mine.",
            [Positive("areaHa", "Hectares"), OneOf("priorUse", "What the land was", "farmland", "forest", "grassland", "other"), Geometry("The footprint")],
            v => new MiningLandOccupied(v.RegionCode, v.EffectiveDate, v.Decimal("areaHa"), v.Text("priorUse"), v.Geometry)),
        EventTypeSpec.For("mining.land-damaged", creates: false,
            "Occupied land damaged by mining.",
            [Positive("areaHa", "Hectares"), OneOf("damage", "Kind of damage", "excavation", "subsidence", "tailings", "overburden"), Geometry("The footprint")],
            v => new MiningLandDamaged(v.RegionCode, v.EffectiveDate, v.Decimal("areaHa"), v.Text("damage"), v.Geometry)),
        EventTypeSpec.For("mining.land-reclaimed", creates: false,
            "Damaged land reclaimed; it leaves the mine's occupation.",
            [Positive("areaHa", "Hectares"), OneOf("reclaimedTo", "The new use", "farmland", "forest", "grassland", "water", "other"), Geometry("The footprint")],
            v => new MiningLandReclaimed(v.RegionCode, v.EffectiveDate, v.Decimal("areaHa"), v.Text("reclaimedTo"), v.Geometry)),
        EventTypeSpec.For("mining.site-closed", creates: false,
            "The mine closes; afterwards only reclamation may be recorded.",
            [Text("restorationPlanRef", "Reference of the restoration plan", required: false)],
            v => new MiningSiteClosed(v.RegionCode, v.EffectiveDate, v.OptionalText("restorationPlanRef"))),
    ];
}
