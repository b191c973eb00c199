using Ledger.Regions;
using Ledger.Storage;
using NodaTime;
using Npgsql;

namespace Ledger.Spatial;

public sealed record OverlapParty(string Domain, string Stream, Guid EventId);

public sealed record Overlap(Guid Id, string Kind, string Layer, decimal AreaHa, LocalDate EffectiveDate, OverlapParty Footprint,
    OverlapParty Protected);

/// <summary>
/// The overlaps of a region (either party inside it), bitemporal like the sheets: those recorded
/// by <c>knownAt</c> whose protection version was still the one in force on the overlap's date as
/// known then — a later redrawn boundary retires an overlap it no longer makes. A list is read
/// under <paramref name="limits"/>: at most one row past <see cref="MapLimits.MaxFeatures"/>, within its timeout.
/// </summary>
public sealed class OverlapQuery(NpgsqlDataSource db, MapLimits? limits = null)
{
    private readonly MapLimits _limits = limits ?? MapLimits.None;

    public static string InForce(string overlap, string protection, string knownAt, Func<string, string>? known = null) =>
        InForceOn($"{overlap}.effective_date", protection, knownAt, known);

    /// <summary>SQL: <paramref name="version"/> (a geo_versions alias) is its stream's version of its layer in force on <paramref name="date"/>, as known at <paramref name="knownAt"/>.</summary>
    /// <param name="known">A further condition on what counts as known, given the later version's event seq column.</param>
    public static string InForceOn(string date, string version, string knownAt, Func<string, string>? known = null) => $"""
        not exists (select 1 from {LedgerStore.Schema}.{GeoTables.Versions} q
          where q.stream_id = {version}.stream_id and q.layer = {version}.layer and q.recorded_at <= {knownAt}{(known is null ? "" : $" and {known("q.seq")}")}
            and q.effective_date <= {date}
            and (q.effective_date, q.seq) > ({version}.effective_date, {version}.seq))
        """;

    /// <summary>The overlaps in date order; more than <see cref="MapLimits.MaxFeatures"/> means the list was cut one past the cap.</summary>
    public Task<IReadOnlyList<Overlap>> ListAsync(string region, LocalDate? from, LocalDate? to, Instant knownAt, CancellationToken ct) =>
        BoundedRead.RunAsync(db, _limits.Timeout, conn => ListAsync(conn, region, from, to, knownAt, ct), ct);

    private async Task<IReadOnlyList<Overlap>> ListAsync(NpgsqlConnection conn, string region, LocalDate? from, LocalDate? to, Instant knownAt,
        CancellationToken ct)
    {
        var s = LedgerStore.Schema;
        var territory = await MapQuery.TerritoryAsync(conn, region, to ?? LocalDate.MaxIsoValue, knownAt, ct);
        var (f, p) = (territory("f.", "tf"), territory("p.", "tp"));
        await using var cmd = new NpgsqlCommand($"""
            select o.id, o.kind, o.layer, o.area_ha, o.effective_date, f.stream_id, f.event_id, p.stream_id, p.event_id
            from {s}.{GeoTables.Overlaps} o
            join {s}.{GeoTables.Versions} f on f.seq = o.footprint_seq and f.layer = o.footprint_layer
            join {s}.{GeoTables.Versions} p on p.seq = o.protected_seq and p.layer = o.layer
            where o.recorded_at <= @knownAt
              and ({MapQuery.Inside(f)} or {MapQuery.Inside(p)})
              and (@from::date is null or o.effective_date >= @from) and (@to::date is null or o.effective_date <= @to)
              and {InForce("o", "p", "@knownAt")}
            order by o.effective_date, o.seq, o.id
            limit @limit
            """, conn);
        cmd.Parameters.AddWithValue("knownAt", knownAt.ToDateTimeUtc());
        foreach (var t in f.Concat(p)) t.Bind(cmd);
        cmd.Parameters.AddWithValue("from", NpgsqlTypes.NpgsqlDbType.Date, (object?)from?.ToDateOnly() ?? DBNull.Value);
        cmd.Parameters.AddWithValue("to", NpgsqlTypes.NpgsqlDbType.Date, (object?)to?.ToDateOnly() ?? DBNull.Value);
        cmd.Parameters.AddWithValue("limit", _limits.MaxFeatures + 1L);
        var list = new List<Overlap>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new Overlap(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetDecimal(3),
                LocalDate.FromDateOnly(r.GetFieldValue<DateOnly>(4)), Party(r.GetString(5), r.GetGuid(6)), Party(r.GetString(7), r.GetGuid(8))));
        return list;
    }

    private static OverlapParty Party(string streamId, Guid eventId)
    {
        var colon = streamId.IndexOf(':');
        return new OverlapParty(streamId[..colon], streamId[(colon + 1)..], eventId);
    }
}
