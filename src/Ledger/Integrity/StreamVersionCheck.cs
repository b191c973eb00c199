using Ledger.Storage;
using Npgsql;

namespace Ledger.Integrity;

/// <summary>
/// Marten's stream rows against the events: one row per stream that has events (and none
/// for a stream without), its version the number of the stream's events and the highest
/// event version. The ingest rules read these versions for optimistic concurrency.
/// </summary>
internal static class StreamVersionCheck
{
    public const string Table = "mt_streams";

    public static async Task<Differences> RunAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        var s = LedgerStore.Schema;
        var differences = new Differences(Table, "the events");
        await using var cmd = LongRunning.Command($"""
            with events as (
              select stream_id, count(*) as n, max(version) as highest, max(seq_id) as last_seq
              from {s}.mt_events e where not {MartenTombstones.Is()} group by stream_id),
            differing as (
              select coalesce(t.id, e.stream_id) as id, t.version, e.n, e.highest, e.last_seq
              from {s}.mt_streams t full join events e on e.stream_id = t.id
              where t.id is distinct from @tombstones
                and (t.version is distinct from e.n or t.version is distinct from e.highest))
            select id, version, n, highest, coalesce(last_seq, 0), count(*) over () from differing order by last_seq nulls last, id limit 1
            """, conn, tx);
        cmd.Parameters.AddWithValue("tombstones", MartenTombstones.StreamKey);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return differences;
        var stored = r.IsDBNull(1) ? "no stream row" : $"stored version {r.GetInt64(1)}";
        var events = r.IsDBNull(2) ? "the stream has no events" : $"its {r.GetInt64(2)} events end at version {r.GetInt64(3)}";
        differences.Add(r.GetInt64(4), $"stream {r.GetString(0)}: {stored}, {events}", r.GetInt64(5));
        return differences;
    }
}
