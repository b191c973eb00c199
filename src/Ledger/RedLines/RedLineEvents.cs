using System.Text.Json;
using Ledger.Events;
using Ledger.Spatial;
using NodaTime;
using static Ledger.Events.FieldSpec;

namespace Ledger.RedLines;

public sealed record ZoneDesignated(string RegionCode, LocalDate EffectiveDate, decimal AreaHa, string Function, string ApprovalRef,
    JsonElement? Geometry = null) : ILedgerEvent, IHasGeometry;
public sealed record ZoneAdjusted(string RegionCode, LocalDate EffectiveDate, decimal DeltaHa, string Reason, string ApprovalRef,
    JsonElement? Geometry = null) : ILedgerEvent, IHasGeometry;
public sealed record EncroachmentDetected(string RegionCode, LocalDate EffectiveDate, string EncroachmentId, decimal AreaHa,
    string Activity, JsonElement? Geometry = null) : ILedgerEvent, IHasGeometry;
public sealed record EncroachmentRectified(string RegionCode, LocalDate EffectiveDate, string EncroachmentId, decimal AreaHa)
    : ILedgerEvent;

public static class RedLineEventTypes
{
    public static readonly EventTypeSpec[] All =
    [
        EventTypeSpec.For("redline.zone-designated", creates: true,
            "An ecological protection red-line zone (生态保护红线) is designated. The stream key is the zone code.",
            [
                Positive("areaHa", "Zone area in hectares"),
                OneOf("function", "The zone's main ecological function", "water-conservation", "biodiversity",
                    "soil-conservation", "windbreak-sand-fixation", "coastal-protection", "other"),
                Text("approvalRef", "Approval reference"),
                Geometry("The zone boundary"),
            ],
            v => new ZoneDesignated(v.RegionCode, v.EffectiveDate, v.Decimal("areaHa"), v.Text("function"), v.Text("approvalRef"), v.Geometry)),
        EventTypeSpec.For("redline.zone-adjusted", creates: false,
            "An approved adjustment of the zone's area (signed).",
            [
                Delta("deltaHa", "Signed, non-zero change in hectares"), Text("reason", "Why"), Text("approvalRef", "Approval reference"),
                Geometry("The zone's whole new boundary"),
            ],
            v => new ZoneAdjusted(v.RegionCode, v.EffectiveDate, v.Decimal("deltaHa"), v.Text("reason"), v.Text("approvalRef"), v.Geometry)),
        EventTypeSpec.For("redline.encroachment-detected", creates: false,
            "An encroachment on the zone is detected.",
            [
                Id("encroachmentId", "Identifier of the encroachment, unique within the zone"),
                Positive("areaHa", "Encroached area in hectares"),
                OneOf("activity", "What encroached", "construction", "mining", "farming", "other"),
                Geometry("The encroachment footprint"),
            ],
            v => new EncroachmentDetected(v.RegionCode, v.EffectiveDate, v.Text("encroachmentId"), v.Decimal("areaHa"),
                v.Text("activity"), v.Geometry)),
        EventTypeSpec.For("redline.encroachment-rectified", creates: false,
            "An encroachment is rectified, in whole or in part.",
            [Id("encroachmentId", "The detected encroachment"), Positive("areaHa", "Rectified area in hectares")],
            v => new EncroachmentRectified(v.RegionCode, v.EffectiveDate, v.Text("encroachmentId"), v.Decimal("areaHa"))),
    ];
}
