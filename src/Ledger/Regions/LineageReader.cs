using Ledger.Storage;
using NodaTime;
using Npgsql;

namespace Ledger.Regions;

/// <summary>Reads the successions (and, for the streams at hand, their moves) into a <see cref="Lineage"/>.</summary>
public static class LineageReader
{
    private static readonly string S = LedgerStore.Schema;

    /// <param name="knownAt">Only successions recorded by then (null: all).</param>
    /// <param name="streamIds">Streams whose split moves are wanted (a split's listing is read per stream, never whole).</param>
    /// <param name="highWater">Only successions at or below this chain position (a report's frozen view), when given.</param>
    public static async Task<Lineage> LoadAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, Instant? knownAt, IReadOnlyCollection<string> streamIds,
        CancellationToken ct, long? highWater = null)
    {
        var links = new List<SuccessionLink>();
        await using (var cmd = new NpgsqlCommand($"""
            select seq, event_id, predecessor, successor, reason, effective_date, recorded_at, streams is not null
            from {S}.{LineageTables.Successions} l
            where (@known::timestamptz is null or recorded_at <= @known)
              and (@hw::bigint is null or exists (select 1 from {S}.{Chain.ChainTables.Links} c where c.seq = l.seq and c.position <= @hw))
            order by seq
            """, conn, tx))
        {
            cmd.Parameters.Add(new NpgsqlParameter("hw", NpgsqlTypes.NpgsqlDbType.Bigint) { Value = (object?)highWater ?? DBNull.Value });
            cmd.Parameters.Add(new NpgsqlParameter("known", NpgsqlTypes.NpgsqlDbType.TimestampTz) { Value = (object?)knownAt?.ToDateTimeUtc() ?? DBNull.Value });
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                links.Add(new SuccessionLink(r.GetInt64(0), r.GetGuid(1), r.GetString(2), r.GetString(3), r.GetString(4),
                    LocalDate.FromDateOnly(r.GetFieldValue<DateOnly>(5)), Instant.FromDateTimeUtc(r.GetDateTime(6)), r.GetBoolean(7)));
        }
        var moves = new List<(string, long, string)>();
        if (links.Any(l => l.ListsStreams) && streamIds.Count > 0)
        {
            await using var cmd = new NpgsqlCommand(
                $"select stream_id, succession_seq, to_code from {S}.{LineageTables.StreamMoves} where stream_id = any(@ids)", conn, tx);
            cmd.Parameters.AddWithValue("ids", streamIds.ToArray());
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) moves.Add((r.GetString(0), r.GetInt64(1), r.GetString(2)));
        }
        return new Lineage(links, moves);
    }
}
