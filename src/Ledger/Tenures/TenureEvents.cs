using Ledger.Events;
using NodaTime;
using static Ledger.Events.FieldSpec;

namespace Ledger.Tenures;

public sealed record TenureStarted(string RegionCode, LocalDate EffectiveDate, string OfficialId, string OfficialName, string Post)
    : ILedgerEvent;

public sealed record TenureEnded(string RegionCode, LocalDate EffectiveDate, string? Reason) : ILedgerEvent;

public static class TenureEventTypes
{
    public static readonly EventTypeSpec[] All =
    [
        EventTypeSpec.For("tenure.started", creates: true,
            "An official takes a post in a region; the effective date is the first day of the tenure. The stream key is the tenure id.",
            [
                Id("officialId", "Stable identifier of the official"),
                Id("officialName", "Name of the official"),
                OneOf("post", "The post held", "party-secretary", "government-head"),
            ],
            v => new TenureStarted(v.RegionCode, v.EffectiveDate, v.Text("officialId"), v.Text("officialName"), v.Text("post"))),
        EventTypeSpec.For("tenure.ended", creates: false,
            "The tenure ends; the effective date is its last day.",
            [Text("reason", "Why the tenure ended", required: false)],
            v => new TenureEnded(v.RegionCode, v.EffectiveDate, v.OptionalText("reason"))),
    ];
}
