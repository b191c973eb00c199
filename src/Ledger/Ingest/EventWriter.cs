using JasperFx.Events;
using Ledger.Events;
using Ledger.Storage;
using Marten;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace Ledger.Ingest;

/// <summary>
/// Writes a batch's events into Marten's own tables (<c>mt_streams</c>, <c>mt_events</c>) with
/// one set-based statement each, in the ingest transaction and one round trip, instead of
/// Marten's quick append, which calls <c>mt_quick_append_events</c> once per stream and inserts
/// row by row in PL/pgSQL (a third of a batch's time, profiled in docs/performance.md).
/// The rows are exactly what that function writes: the same columns, the sequence drawn from
/// <c>mt_events_sequence</c> in batch order, Marten's serializer for the data and headers, so
/// Marten reads these streams as its own. Versions come from the stream states the rules already
/// checked under the stream locks; the unique (stream, version) key is the backstop.
/// </summary>
internal static class EventWriter
{
    public sealed record Pending(IncomingEvent Item, IEvent Event, bool CreatesStream);

    /// <summary>An event as written: its data and headers exactly as sent, which the chain's texts are made from.</summary>
    public sealed record Written(IEvent Event, string DataJson, string HeadersJson);

    /// <summary>Writes the events and sets their sequences.</summary>
    public static async Task<List<Written>> WriteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IDocumentStore store, IReadOnlyList<Pending> events,
        Instant now, CancellationToken ct)
    {
        var serializer = store.Options.Serializer();
        var s = LedgerStore.Schema;
        var at = now.ToDateTimeUtc();
        var streams = events.GroupBy(e => e.Event.StreamKey!).Select(g => (Id: g.Key, g.First().CreatesStream, Version: g.Max(e => e.Event.Version),
            Type: g.First().CreatesStream ? ((DocumentStore)store).Events.AggregateAliasFor(EventCatalog.RulesFor(g.First().Item.Spec.Domain)!.StateType) : null))
            .ToList();
        var created = streams.Where(x => x.CreatesStream).ToList();
        var extended = streams.Where(x => !x.CreatesStream).ToList();

        var data = events.Select(e => serializer.ToJson(e.Event.Data)).ToArray();
        var headers = events.Select(e => serializer.ToJson(e.Event.Headers)).ToArray();
        await using var batch = new NpgsqlBatch(conn, tx);
        if (created.Count > 0)
            batch.BatchCommands.Add(SqlBatch.Command(
                $"insert into {s}.mt_streams (id, type, version, timestamp, tenant_id) select i, t, v, now(), '*DEFAULT*' from unnest(@ids, @types, @versions) as u(i, t, v)",
                ("ids", created.Select(x => x.Id).ToArray()), ("types", created.Select(x => x.Type!).ToArray()),
                ("versions", created.Select(x => x.Version).ToArray())));
        if (extended.Count > 0)
            batch.BatchCommands.Add(SqlBatch.Command(
                $"update {s}.mt_streams m set version = greatest(m.version, u.v), timestamp = now() from unnest(@ids, @versions) as u(i, v) where m.id = u.i",
                ("ids", extended.Select(x => x.Id).ToArray()), ("versions", extended.Select(x => x.Version).ToArray())));
        // Numbered in batch order: PostgreSQL evaluates a volatile output expression (nextval) after the ORDER BY.
        batch.BatchCommands.Add(SqlBatch.Command($"""
            insert into {s}.mt_events (seq_id, id, stream_id, version, data, type, tenant_id, timestamp, mt_dotnet_type, is_archived, headers, user_name)
            select nextval('{s}.mt_events_sequence'), id, stream_id, version, data, type, '*DEFAULT*', @at, dotnet_type, false, headers, user_name
            from unnest(@ids, @streams, @versions, @data, @types, @dotnet, @headers, @users) with ordinality
              as u(id, stream_id, version, data, type, dotnet_type, headers, user_name, ord)
            order by ord
            returning id, seq_id
            """,
            ("ids", events.Select(e => e.Event.Id).ToArray()), ("streams", events.Select(e => e.Event.StreamKey!).ToArray()),
            ("versions", events.Select(e => e.Event.Version).ToArray()),
            ("data", new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb, Value = data }),
            ("types", events.Select(e => e.Event.EventTypeName).ToArray()), ("dotnet", events.Select(e => e.Event.DotNetTypeName).ToArray()),
            ("headers", new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb, Value = headers }),
            ("users", events.Select(e => e.Event.UserName ?? "").ToArray()), ("at", at)));

        var byId = events.ToDictionary(e => e.Event.Id, e => e.Event);
        await using var r = await batch.ExecuteReaderAsync(ct);
        while (!r.HasRows && await r.NextResultAsync(ct)) { }
        while (await r.ReadAsync(ct)) byId[r.GetGuid(0)].Sequence = r.GetInt64(1);
        if (byId.Values.Any(e => e.Sequence == 0)) throw new InvalidOperationException("an appended event came back without its sequence");
        return events.Select((p, i) => new Written(p.Event, data[i], headers[i])).ToList();
    }
}
