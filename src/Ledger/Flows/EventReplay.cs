using System.Text.Json;
using Ledger.Events;
using Ledger.Storage;
using NodaTime;
using NodaTime.Serialization.SystemTextJson;
using Npgsql;

namespace Ledger.Flows;

/// <summary>One event row as stored (tombstones excluded), in the order <see cref="EventReplay.Select"/> reads it.</summary>
public sealed record EventRow(long Seq, Guid EventId, string StreamId, string Type, string Data, Instant RecordedAt, string Client);

/// <summary>An event folded into its stream, with the flow and target rows ingest wrote for it.</summary>
public sealed record ReplayedEvent(EventRow Row, EventTypeSpec Spec, ILedgerEvent Event, IReadOnlyList<FlowRow> Flows, TargetRow? Target,
    IStreamState? Before = null, IStreamState? After = null);

/// <summary>An event the pure rules cannot fold (unknown type, unreadable data, or a state the rule refuses).</summary>
public sealed class ReplayException(EventRow row, string reason)
    : Exception($"the event at sequence {row.Seq} of stream {row.StreamId} cannot be replayed: {reason}")
{
    public EventRow Row { get; } = row;
}

/// <summary>
/// Folds the event rows, in sequence order, with the same pure Apply and FlowRules as ingest.
/// The flow rebuild and verify both replay through here, so what they compare against is one
/// piece of code. Keeps one state per stream in memory, nothing else.
/// </summary>
public sealed class EventReplay
{
    public static readonly JsonSerializerOptions Json = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        .ConfigureForNodaTime(DateTimeZoneProviders.Tzdb);

    /// <summary>Every event row but Marten's tombstones, in sequence order; read each with <see cref="Read"/>.</summary>
    public static string Select =>
        $"select seq_id, id, stream_id, type, data::text, timestamp, coalesce(user_name, '') from {LedgerStore.Schema}.mt_events e " +
        $"where not {MartenTombstones.Is()} order by seq_id";

    public static string Count => $"select count(*) from {LedgerStore.Schema}.mt_events e where not {MartenTombstones.Is()}";

    public Dictionary<string, IStreamState> States { get; } = new();

    public static EventRow Read(NpgsqlDataReader r) => new(r.GetInt64(0), r.GetGuid(1), r.GetString(2), r.GetString(3), r.GetString(4),
        Instant.FromDateTimeOffset(r.GetFieldValue<DateTimeOffset>(5)), r.GetString(6));

    public ReplayedEvent Apply(EventRow row)
    {
        var spec = EventCatalog.Find(row.Type) ?? throw new ReplayException(row, $"unknown event type {row.Type}");
        IStreamState after;
        ILedgerEvent e;
        Projected projected;
        var before = States.GetValueOrDefault(row.StreamId);
        try
        {
            e = (ILedgerEvent)(JsonSerializer.Deserialize(row.Data, spec.ClrType, Json) ?? throw new JsonException("null data"));
            after = EventCatalog.RulesFor(spec.Domain)!.Apply(before, e, row.StreamId, (before?.Version ?? 0) + 1);
            projected = Projected.Of(before, e, after, row.Seq, row.EventId, row.RecordedAt);
        }
        catch (Exception x) when (x is not OperationCanceledException)
        {
            // The rules are pure: whatever they throw means these stored events are not a history they accept.
            throw new ReplayException(row, x.Message);
        }
        States[row.StreamId] = after;
        var flows = projected.Flows.Select(f => new FlowRow(row.Seq, row.EventId, row.StreamId, e.RegionCode, f, e.EffectiveDate, row.RecordedAt)).ToList();
        return new ReplayedEvent(row, spec, e, flows, projected.Target, before, after);
    }

    /// <summary>Forgets a stream whose events cannot be replayed, so its later events are not folded onto a wrong state.</summary>
    public void Forget(string streamId) => States.Remove(streamId);
}
