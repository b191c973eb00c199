using System.Text.Json;
using System.Text.Json.Serialization;
using Ledger.Events;
using Ledger.Spatial;
using NodaTime;
using static Ledger.Events.FieldSpec;

namespace Ledger.Farmland;

public sealed record ParcelRegistered(string RegionCode, LocalDate EffectiveDate, decimal AreaHa, string LandType,
    int QualityGrade, bool PermanentBasic, string Origin, JsonElement? Geometry = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Guid? RestoredFromEventId = null) : ILedgerEvent, IHasGeometry;
public sealed record FarmlandOccupied(string RegionCode, LocalDate EffectiveDate, decimal AreaHa, string Purpose,
    bool Legal, string? ApprovalRef, JsonElement? Geometry = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ToClass = null) : ILedgerEvent, IHasGeometry;
public sealed record FarmlandConverted(string RegionCode, LocalDate EffectiveDate, decimal AreaHa, string To,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ToClass = null) : ILedgerEvent;
public sealed record FarmlandLostToDisaster(string RegionCode, LocalDate EffectiveDate, decimal AreaHa, string Disaster) : ILedgerEvent;
public sealed record FarmlandSupplemented(string RegionCode, LocalDate EffectiveDate, decimal AreaHa, string Method) : ILedgerEvent;
public sealed record PermanentBasicDesignated(string RegionCode, LocalDate EffectiveDate, decimal AreaHa) : ILedgerEvent;
public sealed record PermanentBasicReleased(string RegionCode, LocalDate EffectiveDate, decimal AreaHa, string ApprovalRef) : ILedgerEvent;
public sealed record FarmlandAreaCorrected(string RegionCode, LocalDate EffectiveDate, decimal DeltaHa, string Reason,
    Guid? CorrectsEventId, JsonElement? Geometry = null) : ILedgerEvent, ICorrection, IHasGeometry
{
    Guid? ICorrection.CorrectedEventId => CorrectsEventId;
}

public static class FarmlandEventTypes
{
    private static readonly FieldSpec Area = Positive("areaHa", "Area in hectares (1 ha = 15 mu), > 0, at most 4 decimals");

    private static readonly FieldSpec ToClass = Text("toClass",
        "The 三调 class (二级类) the land becomes, never 01xx; without it the class follows purpose/to (docs/balance-sheets.md)", required: false);

    private static IEnumerable<(string Field, string Message)> ToClassProblem(EventValues v) =>
        v.OptionalText("toClass") is { } code
            ? LandUse.LandUseEventTypes.ClassProblem("toClass", code, farmlandAllowed: false, "is a farmland class: farmland that stays farmland has not left")
            : [];

    public static readonly EventTypeSpec[] All =
    [
        EventTypeSpec.For("farmland.parcel-registered", creates: true,
            "A farmland parcel enters the ledger. The stream key is the parcel code.",
            [
                Area,
                OneOf("landType", "水田 paddy / 水浇地 irrigated / 旱地 dry", "paddy", "irrigated", "dry"),
                Integer("qualityGrade", "Quality grade 1 (best) to 10", 1, 10),
                Bool("permanentBasic", "Whether the whole parcel is permanent basic farmland (永久基本农田)"),
                OneOf("origin", "How the parcel came to be farmland", "baseline", "supplemented", "restored"),
                Geometry("The parcel (图斑) boundary"),
                Uuid("restoredFromEventId", "With origin restored: the landuse.reclassified event in the same batch whose land this is " +
                    "(contract 1.8)", required: false),
            ],
            v => new ParcelRegistered(v.RegionCode, v.EffectiveDate, v.Decimal("areaHa"), v.Text("landType"),
                v.Integer("qualityGrade"), v.Bool("permanentBasic"), v.Text("origin"), v.Geometry, v.OptionalUuid("restoredFromEventId")),
            v => v.OptionalUuid("restoredFromEventId") is not null && v.Text("origin") != "restored"
                ? [("restoredFromEventId", "is only for origin restored: land restored to farmland from another class")]
                : []),
        EventTypeSpec.For("farmland.occupied", creates: false,
            "Farmland occupied by construction, mining, transport or water works (legal with an approval, or illegal).",
            [
                Area,
                OneOf("purpose", "What occupied it", "construction", "mining", "transport", "water-conservancy", "other"),
                Bool("legal", "Whether the occupation was approved"),
                Text("approvalRef", "Approval reference; required when legal is true", required: false),
                Geometry("The occupied footprint"),
                ToClass,
            ],
            v => new FarmlandOccupied(v.RegionCode, v.EffectiveDate, v.Decimal("areaHa"), v.Text("purpose"), v.Bool("legal"),
                v.OptionalText("approvalRef"), v.Geometry, v.OptionalText("toClass")),
            v => (v.Bool("legal") && v.OptionalText("approvalRef") is null
                ? [("approvalRef", "is required when legal is true")]
                : Array.Empty<(string, string)>()).Concat(ToClassProblem(v))),
        EventTypeSpec.For("farmland.converted", creates: false,
            "Farmland converted to another agricultural use.",
            [Area, OneOf("to", "The new use", "forest", "orchard", "grassland", "aquaculture", "other-agriculture"), ToClass],
            v => new FarmlandConverted(v.RegionCode, v.EffectiveDate, v.Decimal("areaHa"), v.Text("to"), v.OptionalText("toClass")),
            ToClassProblem),
        EventTypeSpec.For("farmland.lost-to-disaster", creates: false,
            "Farmland destroyed by a natural disaster.",
            [Area, Text("disaster", "The disaster, e.g. flood, landslide")],
            v => new FarmlandLostToDisaster(v.RegionCode, v.EffectiveDate, v.Decimal("areaHa"), v.Text("disaster"))),
        EventTypeSpec.For("farmland.supplemented", creates: false,
            "Farmland added to the parcel (补充耕地, 占补平衡).",
            [Area, OneOf("method", "How it was added", "reclamation", "consolidation", "development")],
            v => new FarmlandSupplemented(v.RegionCode, v.EffectiveDate, v.Decimal("areaHa"), v.Text("method"))),
        EventTypeSpec.For("farmland.permanent-basic-designated", creates: false,
            "Part of the parcel designated permanent basic farmland.",
            [Area],
            v => new PermanentBasicDesignated(v.RegionCode, v.EffectiveDate, v.Decimal("areaHa"))),
        EventTypeSpec.For("farmland.permanent-basic-released", creates: false,
            "Permanent basic farmland released from protection (needs an approval).",
            [Area, Text("approvalRef", "Approval reference")],
            v => new PermanentBasicReleased(v.RegionCode, v.EffectiveDate, v.Decimal("areaHa"), v.Text("approvalRef"))),
        EventTypeSpec.For("farmland.area-corrected", creates: false,
            "A correction of the parcel's recorded area (e.g. after a survey).",
            [
                Delta("deltaHa", "Signed, non-zero change in hectares"),
                Text("reason", "Why the area is corrected"),
                Uuid("correctsEventId", "The event on this parcel that the correction amends", required: false),
                Geometry("The parcel's whole new boundary after a resurvey"),
            ],
            v => new FarmlandAreaCorrected(v.RegionCode, v.EffectiveDate, v.Decimal("deltaHa"), v.Text("reason"),
                v.OptionalUuid("correctsEventId"), v.Geometry)),
    ];
}
