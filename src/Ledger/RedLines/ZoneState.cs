using Ledger.Events;
using NodaTime;

namespace Ledger.RedLines;

/// <param name="OpenEncroachments">Encroachment id → area not yet rectified (0 once fully rectified).</param>
public sealed record ZoneState(string Id, long Version, string RegionCode, LocalDate OpenedOn,
    decimal AreaHa, string Function, IReadOnlyDictionary<string, decimal> OpenEncroachments) : IStreamState
{
    public decimal OpenEncroachedHa => OpenEncroachments.Values.Sum();
}

public sealed class ZoneRules : StreamRules<ZoneState>
{
    public override string Domain => "redline";

    protected override IEnumerable<RuleError> Check(ZoneState? state, ILedgerEvent e, RuleContext context)
    {
        if (state is null) yield break;
        switch (e)
        {
            case ZoneAdjusted a when state.AreaHa + a.DeltaHa <= 0:
                yield return Error("data.deltaHa", $"would leave the zone with no area: it holds {Ha(state.AreaHa)}");
                break;
            case EncroachmentDetected d when state.OpenEncroachments.ContainsKey(d.EncroachmentId):
                yield return Error("data.encroachmentId", $"encroachment {d.EncroachmentId} was already detected in this zone");
                break;
            case EncroachmentDetected d when d.AreaHa > state.AreaHa - state.OpenEncroachedHa:
                yield return Error("data.areaHa",
                    $"exceeds the zone's area not already encroached: {Ha(state.AreaHa - state.OpenEncroachedHa)}");
                break;
            case EncroachmentRectified r when !state.OpenEncroachments.TryGetValue(r.EncroachmentId, out _):
                yield return Error("data.encroachmentId", $"no encroachment {r.EncroachmentId} was detected in this zone");
                break;
            case EncroachmentRectified r when r.AreaHa > state.OpenEncroachments[r.EncroachmentId]:
                yield return Error("data.areaHa",
                    $"exceeds the unrectified area of encroachment {r.EncroachmentId}: {Ha(state.OpenEncroachments[r.EncroachmentId])}");
                break;
        }
    }

    protected override ZoneState Apply(ZoneState? state, ILedgerEvent e, string id, long version)
    {
        if (e is ZoneDesignated z)
            return new ZoneState(id, version, z.RegionCode, z.EffectiveDate, z.AreaHa, z.Function, new Dictionary<string, decimal>());

        var s = Require(state);
        var next = e switch
        {
            ZoneAdjusted a => s with { AreaHa = s.AreaHa + a.DeltaHa },
            EncroachmentDetected d => s with { OpenEncroachments = With(s.OpenEncroachments, d.EncroachmentId, d.AreaHa) },
            EncroachmentRectified r => s with
            {
                OpenEncroachments = With(s.OpenEncroachments, r.EncroachmentId, s.OpenEncroachments[r.EncroachmentId] - r.AreaHa),
            },
            _ => throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name, "not a red-line event"),
        };
        return next with { Version = version };
    }

    private static Dictionary<string, decimal> With(IReadOnlyDictionary<string, decimal> map, string key, decimal value) =>
        new(map) { [key] = value };
}
