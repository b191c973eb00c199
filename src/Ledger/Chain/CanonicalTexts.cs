using Ledger.Investigations;
using Ledger.Regions;
using Ledger.Storage;
using Ledger.Transparency;
using Npgsql;

namespace Ledger.Chain;

/// <summary>
/// An event as the chain and the log hash it: its own sequence (Marten's <c>seq_id</c>, what every
/// endpoint reports), its place in the chain, and its canonical text's exact UTF-8 bytes. The region
/// is the event's own, for the reader's scope; <c>000000</c> when the event has no index row, so
/// only a national key may read it.
/// </summary>
public sealed record CanonicalEvent(long Sequence, Guid EventId, long Position, string RegionCode, byte[] Text)
{
    /// <summary>The log's entry for this event (index <see cref="Position"/> − 1).</summary>
    public LedgerEntry Entry => LedgerEntry.For(Position, EventId, Text);
}

public static class CanonicalTexts
{
    private static readonly string S = LedgerStore.Schema;

    /// <summary>
    /// The events of these sequences that are in the chain, in chain order, in one query. The text
    /// is PostgreSQL's rendering (<see cref="ChainTables.CanonicalText"/>), the one the chain's
    /// verification and the log's backfill hash, not a copy made in .NET.
    /// </summary>
    public static async Task<IReadOnlyList<CanonicalEvent>> ReadAsync(NpgsqlDataSource db, IReadOnlyCollection<long> sequences, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            select e.seq_id, e.id, c.position, coalesce(i.region_code, '{RegionCodes.Nation}'), convert_to({ChainTables.CanonicalText}, 'UTF8')
            from {S}.mt_events e
            join {S}.{ChainTables.Links} c on c.seq = e.seq_id
            left join {S}.{EventIndex.Table} i on i.seq = e.seq_id
            where e.seq_id = any($1)
            order by c.position
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = sequences.ToArray() });
        var found = new List<CanonicalEvent>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            found.Add(new CanonicalEvent(r.GetInt64(0), r.GetGuid(1), r.GetInt64(2), r.GetString(3), (byte[])r[4]));
        return found;
    }
}
