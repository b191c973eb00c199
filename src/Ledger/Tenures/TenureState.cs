using Ledger.Events;
using NodaTime;

namespace Ledger.Tenures;

public sealed record TenureState(string Id, long Version, string RegionCode, LocalDate OpenedOn,
    string OfficialId, string OfficialName, string Post, LocalDate? EndedOn, string? EndReason) : IStreamState;

public sealed class TenureRules : StreamRules<TenureState>
{
    public override string Domain => "tenure";

    protected override IEnumerable<RuleError> Check(TenureState? state, ILedgerEvent e, RuleContext context)
    {
        if (state?.EndedOn is { } ended)
            yield return Error("type", $"the tenure already ended on {ended:yyyy-MM-dd}");
    }

    protected override TenureState Apply(TenureState? state, ILedgerEvent e, string id, long version) => e switch
    {
        TenureStarted s => new TenureState(id, version, s.RegionCode, s.EffectiveDate, s.OfficialId, s.OfficialName, s.Post, null, null),
        TenureEnded end => Require(state) with { Version = version, EndedOn = end.EffectiveDate, EndReason = end.Reason },
        _ => throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name, "not a tenure event"),
    };
}
