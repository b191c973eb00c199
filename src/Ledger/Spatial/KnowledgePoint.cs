using System.Globalization;
using Ledger.Chain;
using Ledger.Investigations;
using Ledger.Storage;
using NodaTime;
using Npgsql;

namespace Ledger.Spatial;

/// <summary>
/// What one database had recorded by an instant, named exactly, as a cache key (decision 50): the
/// newest recorded instant at or before it, how many events were recorded by then, and the hash
/// of the chain link at that count. Any two instants between the same two appends give the same
/// point, so varying <c>knownAt</c> by a microsecond cannot bypass a cache; "now" is the newest
/// append. The events recorded by an instant only grow (a batch that took its instant earlier can
/// commit later), and then the count grows with them; the hash tells a reset or restored database's
/// history from the one the entry was made from.
/// </summary>
public sealed record KnowledgePoint(Instant? Recorded, long Events, string Link)
{
    /// <summary>
    /// Counts from whichever end of the event index is nearer the instant (the chain's head position
    /// is the number of events: one link each), so neither a recent nor an old instant reads much.
    /// Run it in the snapshot of the read it names.
    /// </summary>
    public static async Task<KnowledgePoint> ReadAsync(NpgsqlConnection conn, Instant knownAt, CancellationToken ct)
    {
        var (s, index, chain) = (LedgerStore.Schema, $"{LedgerStore.Schema}.{EventIndex.Table}", $"{LedgerStore.Schema}.{ChainTables.Links}");
        await using var cmd = new NpgsqlCommand($"""
            with k as (select max(recorded_at) k from {index} where recorded_at <= @knownAt),
            ends as (select min(recorded_at) lo, max(recorded_at) hi from {index}),
            n as (
              select k.k, case
                when k.k is null then 0
                when k.k - ends.lo <= ends.hi - k.k then (select count(*) from {index} where recorded_at <= k.k)
                else (select coalesce(max(position), 0) from {chain}) - (select count(*) from {index} where recorded_at > k.k) end n
              from k, ends)
            select n.k, n.n, (select encode(hash, 'hex') from {s}.{ChainTables.Links} where position = n.n) from n
            """, conn);
        cmd.Parameters.AddWithValue("knownAt", knownAt.ToDateTimeUtc());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        return new KnowledgePoint(r.IsDBNull(0) ? null : Instant.FromDateTimeUtc(r.GetFieldValue<DateTime>(0)), r.GetInt64(1),
            r.IsDBNull(2) ? "" : r.GetString(2));
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Recorded?.ToUnixTimeTicks()}:{Events}:{Link}");
}
