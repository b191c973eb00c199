using Ledger.Flows;
using Ledger.LandQuotas;

namespace Ledger.Audit.Departure;

/// <summary>
/// What the land-quota measure reads for a tenure: the quota flows of its calendar years held in
/// its region or above it (a quota above may cover its occupations), effective by its end; and
/// the farmland occupation flows in its region from 1 January of its first year to its end
/// (overuse is a fact about a whole quota year).
/// </summary>
public sealed record LandQuotaFacts(IReadOnlyList<FlowFact> Quotas, IReadOnlyList<FlowFact> Occupations)
{
    public static readonly LandQuotaFacts None = new([], []);

    /// <summary>The quota flows: parameters @low, @high, @above, @y1, @y2, @end, @known; joins as the other reads do.</summary>
    public static string QuotaSql(string schema, string within, string evidence, string eventColumns) => $"""
        select x.account, x.cause, x.region_code, x.stream_id, x.year, x.amount, {eventColumns}
        from {schema}.{FlowTables.Flows} x {within} {evidence}
        where (x.region_code between @low and @high or x.region_code = any(@above)) and x.year between @y1 and @y2
          and x.account in ('{Accounts.LandQuota}', '{Accounts.LandQuotaNewConstruction}') and x.effective_date <= @end and x.recorded_at <= @known
        order by x.seq, x.account
        """;

    public static string OccupationSql(string schema, string within, string evidence, string eventColumns) => $"""
        select x.account, x.cause, x.region_code, x.stream_id, x.year, x.amount, {eventColumns}
        from {schema}.{FlowTables.Flows} x {within} {evidence}
        where x.region_code between @low and @high and x.year is null and x.account = '{Accounts.Farmland}' and x.cause like 'occupation-%'
          and x.effective_date >= make_date(@y1, 1, 1) and x.effective_date <= @end and x.recorded_at <= @known
        order by x.seq
        """;

    public static string[] Above(string region) => LandQuotaUnits.Covering(region).Skip(1).ToArray();
}
