using Ledger.Events;
using NodaTime;
using static Ledger.Events.FieldSpec;

namespace Ledger.Water;

public sealed record WaterQuotaAllocated(string RegionCode, LocalDate EffectiveDate, int Year, decimal TotalQuota,
    decimal? GroundwaterQuota) : ILedgerEvent;
public sealed record WaterQuotaAdjusted(string RegionCode, LocalDate EffectiveDate, decimal DeltaQuota, string ApprovalRef) : ILedgerEvent;
public sealed record WaterUseReported(string RegionCode, LocalDate EffectiveDate, LocalDate PeriodStart, LocalDate PeriodEnd,
    decimal Volume, string Source, string Sector) : ILedgerEvent;

public static class WaterEventTypes
{
    public static readonly EventTypeSpec[] All =
    [
        EventTypeSpec.For("water.quota-allocated", creates: true,
            "A region's yearly water-use quota (用水总量控制指标). The stream key is regionCode-year, e.g. 410102-2024.",
            [
                Integer("year", "The quota year; must match the stream key", 1949, 2200),
                Positive("totalQuota", "Total quota, 10⁴ m³"),
                new FieldSpec("groundwaterQuota", FieldKind.Positive, false, "Groundwater quota, 10⁴ m³ (optional)"),
            ],
            v => new WaterQuotaAllocated(v.RegionCode, v.EffectiveDate, v.Integer("year"), v.Decimal("totalQuota"),
                v.OptionalDecimal("groundwaterQuota")),
            v => v.OptionalDecimal("groundwaterQuota") > v.Decimal("totalQuota")
                ? [("groundwaterQuota", "must not exceed totalQuota")]
                : []),
        EventTypeSpec.For("water.quota-adjusted", creates: false,
            "An approved change of the year's total quota (signed).",
            [Delta("deltaQuota", "Signed, non-zero change, 10⁴ m³"), Text("approvalRef", "Approval reference")],
            v => new WaterQuotaAdjusted(v.RegionCode, v.EffectiveDate, v.Decimal("deltaQuota"), v.Text("approvalRef"))),
        EventTypeSpec.For("water.use-reported", creates: false,
            "Water used in a period of the quota year, by source and sector.",
            [
                Date("periodStart", "First day of the period"),
                Date("periodEnd", "Last day of the period"),
                Positive("volume", "Volume used, 10⁴ m³"),
                OneOf("source", "Water source", "surface", "ground", "unconventional"),
                OneOf("sector", "Using sector", "agriculture", "industry", "domestic", "ecological"),
            ],
            v => new WaterUseReported(v.RegionCode, v.EffectiveDate, v.Date("periodStart"), v.Date("periodEnd"), v.Decimal("volume"),
                v.Text("source"), v.Text("sector")),
            v => v.Date("periodEnd") < v.Date("periodStart") ? [("periodEnd", "must not be before periodStart")] : []),
    ];
}
