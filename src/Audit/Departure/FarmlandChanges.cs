using Ledger.Chain;
using Ledger.Flows;
using Ledger.Investigations;
using Ledger.LandUse;
using Npgsql;

namespace Ledger.Audit.Departure;

/// <summary>
/// Land that changed class across farmland's edge inside a tenure (contract 1.8): farmland gone
/// to another class (the farmland row of a <c>farmland.occupied</c> or <c>farmland.converted</c>),
/// or other agricultural land restored to farmland (the <c>landuse.reclassified</c> row, with
/// <see cref="Pair"/>, the <c>farmland.parcel-registered</c> that names it: both sides of one
/// restoration, so a finding can cite both).
/// </summary>
/// <param name="RegionCode">The county the row was posted in: in-out balance is kept per county and year.</param>
/// <param name="AreaHa">Positive: the area that changed class.</param>
public sealed record FarmlandChange(string RegionCode, string FromClass, string ToClass, decimal AreaHa, EventRef Event, EventRef? Pair)
{
    public bool LeavesFarmland => LandClasses.IsFarmlandClass(FromClass);

    /// <summary>Out of 耕地进出平衡: farmland turned into other agricultural land (园地, 林地, 草地, 坑塘, 设施农用地, a K class).</summary>
    public bool IsOut => LandClasses.IsInOutOut(FromClass, ToClass);

    /// <summary>In of 耕地进出平衡: other agricultural land restored to farmland.</summary>
    public bool IsIn => LandClasses.IsInOutIn(FromClass, ToClass);

    /// <summary>The events behind the change: a restoration is cited by both of its events.</summary>
    public IEnumerable<EventRef> Events => Pair is null ? [Event] : [Event, Pair];
}

public static class FarmlandChanges
{
    /// <summary>
    /// The tenure's changes: <paramref name="inScope"/> is its territory over alias x; parameters
    /// @start, @end, @known, @hw and @agri as the other reads bind them. A change is one flow row,
    /// the reduction of the class the land left (decision 54), so each is read once. A restoration's
    /// registration is found by the event id it names, read from the event itself; being in the
    /// same batch it shares the change's recorded instant and chain commit.
    /// </summary>
    public static string Sql(string schema, string within, string evidence, string eventColumns, string inScope) => $"""
        select x.region_code, x.land_class, x.other_class, -x.amount, {eventColumns},
               pi.seq, pi.event_id, pi.type, pi.stream_id, pe.version, pi.effective_date, pi.recorded_at, pi.client
        from {schema}.{FlowTables.Flows} x {within} {evidence}
        left join lateral (
            select r.seq from {schema}.{FlowTables.Flows} r join {schema}.mt_events re on re.seq_id = r.seq
            join {schema}.{ChainTables.Links} rc on rc.seq = r.seq and rc.position <= @hw
            where x.account = '{Accounts.LandUse}' and r.account = '{Accounts.Farmland}' and r.other_class = '{LandUseFlows.Paired}'
              and r.region_code = x.region_code and r.effective_date = x.effective_date and r.recorded_at <= @known
              and re.data ->> 'restoredFromEventId' = i.event_id::text
            order by r.seq limit 1) pair on true
        left join {schema}.{EventIndex.Table} pi on pi.seq = pair.seq
        left join {schema}.mt_events pe on pe.seq_id = pair.seq
        where {inScope} and x.year is null and x.recorded_at <= @known and x.effective_date between @start and @end and x.amount < 0
          and x.other_class is not null and x.other_class <> '{LandUseFlows.Paired}'
          and ((x.account = '{Accounts.Farmland}' and x.land_class like '01%')
               or (x.account = '{Accounts.LandUse}' and x.other_class like '01%' and x.land_class = any(@agri)))
        order by x.seq
        """;

    public static async Task<List<FarmlandChange>> ReadAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        await using var _ = cmd;
        cmd.Parameters.AddWithValue("agri", LandClasses.OtherAgricultural.ToArray());
        var list = new List<FarmlandChange>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new FarmlandChange(r.GetString(0), r.GetString(1), r.GetString(2), Ledger.Events.Quantities.Normalize(r.GetDecimal(3)),
                AuditReader.ReadEvent(r, 4), r.IsDBNull(12) ? null : AuditReader.ReadEvent(r, 12)));
        return list;
    }
}
