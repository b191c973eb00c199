using Ledger.Events;
using NodaTime;

namespace Ledger.Water;

/// <summary>One region's water account for one year: quota and reported use.</summary>
public sealed record WaterAccountState(string Id, long Version, string RegionCode, LocalDate OpenedOn,
    int Year, decimal TotalQuota, decimal? GroundwaterQuota, decimal UseTotal, decimal GroundUse) : IStreamState
{
    public decimal Overuse => Math.Max(0, UseTotal - TotalQuota);
}

public sealed class WaterRules : StreamRules<WaterAccountState>
{
    public override string Domain => "water";

    protected override IEnumerable<RuleError> Check(WaterAccountState? state, ILedgerEvent e, RuleContext context)
    {
        if (state is null) yield break;
        switch (e)
        {
            case WaterQuotaAdjusted a when state.TotalQuota + a.DeltaQuota <= 0:
                yield return Error("data.deltaQuota", $"would leave no quota: the year's quota is {state.TotalQuota:0.####}");
                break;
            case WaterUseReported u when u.PeriodStart.Year != state.Year || u.PeriodEnd.Year != state.Year:
                yield return Error("data.periodStart", $"the period must lie within the quota year {state.Year}");
                break;
            case WaterUseReported u when u.PeriodEnd > context.Today:
                yield return Error("data.periodEnd", "use cannot be reported for a period that has not ended");
                break;
        }
    }

    protected override WaterAccountState Apply(WaterAccountState? state, ILedgerEvent e, string id, long version)
    {
        if (e is WaterQuotaAllocated q)
            return new WaterAccountState(id, version, q.RegionCode, q.EffectiveDate, q.Year, q.TotalQuota, q.GroundwaterQuota, 0, 0);

        var s = Require(state);
        var next = e switch
        {
            WaterQuotaAdjusted a => s with { TotalQuota = s.TotalQuota + a.DeltaQuota },
            WaterUseReported u => s with
            {
                UseTotal = s.UseTotal + u.Volume, GroundUse = s.GroundUse + (u.Source == "ground" ? u.Volume : 0),
            },
            _ => throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name, "not a water event"),
        };
        return next with { Version = version };
    }
}
