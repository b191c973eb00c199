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
        await using var batch = new NpgsqlBatch(conn, tx) { BatchCommands = { Query(ids) } };
        await using var r = await batch.ExecuteReaderAsync(ct);
        return await ReadAsync(r, ct);
    }

    /// <summary>The lookup as a statement of a larger batch; read its rows with <see cref="ReadAsync"/>.</summary>
    public static NpgsqlBatchCommand Query(Guid[] ids) => SqlBatch.Command(
        $"select id, stream_id, version, seq_id, timestamp, headers->>'contentHash' from {LedgerStore.Schema}.mt_events where id = any(@ids)",
        ("ids", ids));

    public static async Task<Dictionary<Guid, Known>> ReadAsync(NpgsqlDataReader r, CancellationToken ct)
    {
        var found = new Dictionary<Guid, Known>();
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
