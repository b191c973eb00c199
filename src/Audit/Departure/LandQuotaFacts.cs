using Ledger.Flows;
using Ledger.LandQuotas;

namespace Ledger.Audit.Departure;

/// <summary>
/// What the land-quota measure reads for a tenure: the quota flows of its calendar years held in
/// its region or above it (a quota above may cover its occupations), effective by its end; and
/// the farmland occupation flows in its region from 1 January of its first year to its end
/// (overuse is a fact about a whole quota year).
/// </summary>
/// <param name="Territory">The codes the tenure's figures are made of (its region and, through successions, its predecessors); null: the region alone.</param>
public sealed record LandQuotaFacts(IReadOnlyList<FlowFact> Quotas, IReadOnlyList<FlowFact> Occupations, IReadOnlyList<string>? Territory = null)
{
    public static readonly LandQuotaFacts None = new([], []);

    /// <summary>True when a quota unit's code lies inside the tenure's territory.</summary>
    public bool Inside(string tenureRegion, string code) => (Territory ?? [tenureRegion]).Any(t => Ledger.Regions.RegionCodes.Contains(t, code));

    /// <summary>The quota flows: <paramref name="inScope"/> is the tenure's territory as SQL; parameters @above, @y1, @y2, @end, @known; joins as the other reads do.</summary>
    public static string QuotaSql(string schema, string within, string evidence, string eventColumns, string inScope) => $"""
        select x.account, x.cause, x.region_code, x.stream_id, x.year, x.amount, {eventColumns}
        from {schema}.{FlowTables.Flows} x {within} {evidence}
        where ({inScope} or x.region_code = any(@above)) and x.year between @y1 and @y2
          and x.account in ('{Accounts.LandQuota}', '{Accounts.LandQuotaNewConstruction}') and x.effective_date <= @end and x.recorded_at <= @known
        order by x.seq, x.account
        """;

    public static string OccupationSql(string schema, string within, string evidence, string eventColumns, string inScope) => $"""
        select x.account, x.cause, x.region_code, x.stream_id, x.year, x.amount, {eventColumns}
        from {schema}.{FlowTables.Flows} x {within} {evidence}
        where {inScope} and x.year is null and x.account = '{Accounts.Farmland}' and x.cause like 'occupation-%'
          and x.effective_date >= make_date(@y1, 1, 1) and x.effective_date <= @end and x.recorded_at <= @known
        order by x.seq
        """;

    public static string[] Above(string region) => LandQuotaUnits.Covering(region).Skip(1).ToArray();
}
