using Ledger.Storage;
using NodaTime;
using Npgsql;

namespace Ledger.Ingest;

/// <summary>Looks up event ids that are already in the ledger.</summary>
internal static class KnownEvents
{
    public sealed record Known(Guid EventId, string StreamId, long Version, long Sequence, Instant RecordedAt, string? ContentHash)
    {
        public IngestResult AsDuplicate() => new(EventId, "duplicate", StreamId, Version, Sequence, RecordedAt);
    }

    public static async Task<Dictionary<Guid, Known>> FindAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid[] ids,
        CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"select id, stream_id, version, seq_id, timestamp, headers->>'contentHash' from {LedgerStore.Schema}.mt_events where id = any(@ids)",
            conn, tx);
        cmd.Parameters.AddWithValue("ids", ids);
        var found = new Dictionary<Guid, Known>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var id = r.GetGuid(0);
            found[id] = new Known(id, r.GetString(1), r.GetInt64(2), r.GetInt64(3),
                Instant.FromDateTimeOffset(r.GetFieldValue<DateTimeOffset>(4)), r.IsDBNull(5) ? null : r.GetString(5));
        }
        return found;
    }

    /// <summary>Event id → its stream id, for the given ids that exist.</summary>
    public static async Task<Dictionary<Guid, string>> StreamsOfAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid[] ids,
        CancellationToken ct)
    {
        if (ids.Length == 0) return [];
        var found = await FindAsync(conn, tx, ids, ct);
        return found.ToDictionary(k => k.Key, k => k.Value.StreamId);
    }
}
