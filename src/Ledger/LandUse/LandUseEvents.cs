using System.Text.Json;
using Ledger.Events;
using Ledger.Spatial;
using NodaTime;
using static Ledger.Events.FieldSpec;

namespace Ledger.LandUse;

/// <summary>A parcel of any class but farmland (01xx, which is a <c>farmland</c> parcel) enters the ledger.</summary>
public sealed record LandUseParcelRegistered(string RegionCode, LocalDate EffectiveDate, decimal AreaHa, string LandClass, string Origin,
    JsonElement? Geometry = null) : ILedgerEvent, IHasGeometry;

/// <summary>
/// Part or all of a land-use parcel changes class. To a farmland class (01xx) it is one side of a
/// restoration: the same batch registers that land as a farmland parcel naming this event.
/// </summary>
public sealed record LandReclassified(string RegionCode, LocalDate EffectiveDate, decimal AreaHa, string ToClass, string Cause,
    bool Legal, string? ApprovalRef) : ILedgerEvent;

public static class LandUseEventTypes
{
    public const string Registered = "landuse.parcel-registered";
    public const string Reclassified = "landuse.reclassified";

    private static readonly FieldSpec Area = Positive("areaHa", "Area in hectares, > 0, at most 4 decimals");

    public static readonly EventTypeSpec[] All =
    [
        EventTypeSpec.For(Registered, creates: true,
            "A parcel of any 三调 class but farmland enters the ledger (林地, 草地, 湿地, 园地, 水域, construction land…). " +
            "The stream key is the parcel code, region-prefixed like farmland's.",
            [
                Area,
                Text("landClass", "三调 工作分类 二级类 (TD/T 1055-2019 appendix A), e.g. 0301 乔木林地, 0307K 可调整其他林地, 1106 内陆滩涂; never 01xx"),
                OneOf("origin", "How the parcel came to be in the ledger", "baseline", "new"),
                Geometry("The parcel (图斑) boundary"),
            ],
            v => new LandUseParcelRegistered(v.RegionCode, v.EffectiveDate, v.Decimal("areaHa"), v.Text("landClass"), v.Text("origin"), v.Geometry),
            v => ClassProblem("landClass", v.Text("landClass"), farmlandAllowed: false,
                "is a farmland class: register farmland as a farmland.parcel-registered")),
        EventTypeSpec.For(Reclassified, creates: false,
            "Part or all of the parcel changes class. To a farmland class (01xx), the same batch holds the farmland.parcel-registered " +
            "(origin restored) of that land naming this event in restoredFromEventId: the pair is one transition.",
            [
                Area,
                Text("toClass", "The class the land becomes (三调 工作分类 二级类)"),
                OneOf("cause", "Why the class changes", "construction", "ecological-restoration", "agricultural-restructuring",
                    "farmland-restoration", "survey-correction", "other"),
                Bool("legal", "Whether the change was approved"),
                Text("approvalRef", "Approval reference; required when legal is true", required: false),
            ],
            v => new LandReclassified(v.RegionCode, v.EffectiveDate, v.Decimal("areaHa"), v.Text("toClass"), v.Text("cause"), v.Bool("legal"),
                v.OptionalText("approvalRef")),
            v => ClassProblem("toClass", v.Text("toClass"), farmlandAllowed: true, "")
                .Concat(v.Bool("legal") && v.OptionalText("approvalRef") is null
                    ? [("approvalRef", "is required when legal is true")]
                    : [])),
    ];

    /// <summary>An unknown class, or a farmland class where none may be named.</summary>
    public static IEnumerable<(string Field, string Message)> ClassProblem(string field, string code, bool farmlandAllowed, string farmlandMessage)
    {
        if (LandClasses.Problem(code) is { } problem) return [(field, problem)];
        if (!farmlandAllowed && LandClasses.GroupOf(code) == LandClasses.FarmlandGroup) return [(field, $"'{code}' {farmlandMessage}")];
        return [];
    }
}
