using System.Security.Cryptography;
using System.Text;
using Ledger.Events;
using Ledger.Flows;
using Ledger.Storage;
using Marten;
using Marten.Services;
using NodaTime;
using Npgsql;

namespace Ledger.Ingest;

/// <summary>
/// Appends a batch atomically. Per-stream advisory locks serialise writers of the same stream
/// (and only those), so the state each rule reads is the state the events land on. The
/// stream-state documents are written in the same transaction as the events.
/// </summary>
public sealed class Ingestor(IDocumentStore store, NpgsqlDataSource dataSource, IClock clock, Transparency.INoteSigner? log = null)
{
    private const int LockClass = 0x4C45_4447; // "LEDG": keeps our advisory locks apart from Marten's own.
    private static readonly DateTimeZone LedgerZone = DateTimeZoneProviders.Tzdb["Asia/Shanghai"];

    public async Task<IngestOutcome> AppendAsync(IReadOnlyList<IncomingEvent> batch, string clientName, CancellationToken ct,
        IngestPhases? phases = null)
    {
        phases ??= new IngestPhases();
        using var activity = IngestTracing.Start(batch.Count);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return IngestTracing.Finish(activity, await TryAppendAsync(batch, clientName, phases, ct));
            }
            catch (Exception e) when (attempt < 3 && IsEventIdRace(e))
            {
                // Another batch stored one of our event ids on a different stream between our check and
                // our insert. Try again: the check will now see it and answer duplicate or conflict.
            }
        }
    }

    private async Task<IngestOutcome> TryAppendAsync(IReadOnlyList<IncomingEvent> batch, string clientName, IngestPhases phases,
        CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        phases.Mark("connect");
        var known = await LockStreamsAndFindKnownAsync(conn, tx, batch, ct);
        phases.Mark("lock_streams_known_ids");
        var conflicts = batch.Where(e => known.TryGetValue(e.EventId, out var k) && k.ContentHash != e.ContentHash)
            .Select(e => new ItemError($"events[{e.Index}].eventId",
                $"eventId {e.EventId} was already used for different content (stream {known[e.EventId].StreamId.Replace(":", "/")}, version {known[e.EventId].Version})"))
            .ToList();
        if (conflicts.Count > 0) return IngestOutcome.Rejected(409, "Event id reused with different content", conflicts);

        var fresh = batch.Where(e => !known.ContainsKey(e.EventId)).ToList();
        var results = new Dictionary<Guid, IngestResult>();
        foreach (var e in batch.Where(e => known.ContainsKey(e.EventId)))
            results[e.EventId] = known[e.EventId].AsDuplicate();

        Chain.LogGrowth? growth = null;
        if (fresh.Count > 0)
        {
            await using var session = store.LightweightSession(SessionOptions.ForTransaction(tx));
            var now = Storage.StoredInstant.Truncate(clock.GetCurrentInstant());
            var decision = await DecideAsync(session, conn, tx, fresh, now, phases, ct);
            if (decision.Rejection is not null) return new IngestOutcome([], decision.Rejection);

            var appended = Build(session, decision.Transitions, clientName, now);
            var written = await EventWriter.WriteAsync(conn, tx, store, appended, now, ct);
            phases.Mark("append_events");
            var sequences = appended.ToDictionary(a => a.Item.EventId, a => a.Event.Sequence);
            var writes = new List<NpgsqlBatchCommand>(StateWriter.Upserts(store, decision.Changed));
            writes.AddRange(Project(decision.Transitions, sequences, now));
            writes.Add(Investigations.EventIndex.Insert(appended.Select(a => new Investigations.EventIndexRow(a.Event.Sequence,
                a.Item.EventId, a.Item.Spec.Name, a.Item.StreamId, a.Item.RegionCode, a.Item.EffectiveDate, now, clientName)).ToList()));
            await SqlBatch.ExecuteAsync(conn, tx, writes, ct);
            phases.Mark("states_flows_index");
            await ProjectGeometryAsync(conn, tx, decision.Transitions, sequences, now, ct);
            phases.Mark("geometry");
            await LineageAsync(conn, tx, decision, appended, now, ct);
            phases.Mark("lineage");
            growth = await Chain.ChainWriter.ExtendAsync(conn, tx, ChainLinks(written, now), log, phases, ct);
            foreach (var (item, e, _) in appended)
                results[item.EventId] = new IngestResult(item.EventId, "appended", item.Key, e.Version, e.Sequence, now);
        }
        var receipt = log is null ? null
            : await Chain.Receipts.ForAsync(conn, tx, log, growth, batch.Select(e => e.EventId).ToList(), known.Keys, ct);

        await tx.CommitAsync(ct);
        phases.Mark("commit");
        return IngestOutcome.Stored(batch.Select(e => results[e.EventId] with { Stream = e.Key }).ToList()) with { Receipt = receipt };
    }

    private sealed record Transition(IncomingEvent Item, IStreamState? Before, IStreamState After);

    private sealed record Decision(IReadOnlyList<IStreamState> Changed, IReadOnlyList<Transition> Transitions, IngestRejection? Rejection,
        Regions.Lineage? Lineage = null);

    private async Task<Decision> DecideAsync(IDocumentSession session, NpgsqlConnection conn, NpgsqlTransaction tx,
        IReadOnlyList<IncomingEvent> fresh, Instant now, IngestPhases phases, CancellationToken ct)
    {
        var working = await StateLoader.LoadAsync(session, fresh, ct);
        phases.Mark("load_states");
        var references = await KnownEvents.StreamsOfAsync(conn, tx,
            fresh.Select(e => (e.Event as ICorrection)?.CorrectedEventId).OfType<Guid>().ToArray(), ct);

        // The batch's streams, and the streams a split lists (their way through earlier splits decides whose they are).
        var streamIds = fresh.Select(e => e.StreamId)
            .Concat(fresh.Select(e => e.Event).OfType<Regions.RegionSucceeded>().SelectMany(s => s.Streams ?? []).Select(Regions.Succession.StreamIdOf))
            .Distinct().ToList();
        var lineage = await Regions.LineageReader.LoadAsync(conn, tx, null, streamIds, ct);
        var successions = await SuccessionChecks.LoadAsync(session, conn, tx, fresh, ct);
        phases.Mark("load_references");
        var context = new RuleContext(now.InZone(LedgerZone).Date,
            code => working.GetValueOrDefault(EventCatalog.StreamId("region", code)) as Regions.RegionState, lineage);
        var errors = RestorationPairs.Check(fresh).ToList();
        var concurrencyOnly = errors.Count == 0;
        var changed = new Dictionary<string, IStreamState>();
        var transitions = new List<Transition>();
        foreach (var item in fresh)
        {
            var state = working.GetValueOrDefault(item.StreamId);
            var itemErrors = StreamChecks.Check(item, state, context, references).ToList();
            if (itemErrors.Count == 0)
            {
                var rules = EventCatalog.RulesFor(item.Spec.Domain)!;
                itemErrors.AddRange(rules.Check(state, item.Event, context));
                if (item.Event is Regions.RegionSucceeded succeeded) itemErrors.AddRange(successions.Check(item, succeeded, fresh, context));
                if (itemErrors.Count == 0)
                {
                    if (item.Event is Regions.RegionSucceeded accepted)
                        foreach (var p in accepted.Predecessors)
                            lineage.Add(new Regions.SuccessionLink(-1 - item.Index, item.EventId, p, accepted.RegionCode, accepted.Reason,
                                accepted.EffectiveDate, now, accepted.Streams is not null, accepted.Streams));
                    var next = rules.Apply(state, item.Event, item.StreamId, (state?.Version ?? 0) + 1);
                    if (item.Shape is not null) itemErrors.AddRange(Spatial.DeclaredArea.Check(item.Event, next, item.Shape));
                    if (itemErrors.Count == 0)
                    {
                        working[item.StreamId] = changed[item.StreamId] = next;
                        transitions.Add(new Transition(item, state, next));
                        references[item.EventId] = item.StreamId;
                        continue;
                    }
                }
            }
            concurrencyOnly &= itemErrors.All(x => x.Field == "expectedVersion");
            errors.AddRange(itemErrors.Select(x => new ItemError($"events[{item.Index}].{x.Field}", x.Message)));
        }

        phases.Mark("rules");
        if (errors.Count == 0) return new Decision(changed.Values.ToList(), transitions, null, lineage);
        return new Decision([], [], concurrencyOnly
            ? new IngestRejection(409, "Stream version conflict", errors)
            : new IngestRejection(422, "Events break the ledger's rules", errors));
    }

    /// <summary>The flat balance-sheet tables, in the same transaction: they never lag the events.</summary>
    private static List<NpgsqlBatchCommand> Project(IReadOnlyList<Transition> transitions, Dictionary<Guid, long> sequences, Instant now)
    {
        var flows = new List<FlowRow>();
        var targets = new List<TargetRow>();
        foreach (var (item, before, after) in transitions)
        {
            var seq = sequences[item.EventId];
            var projected = Projected.Of(before, item.Event, after, seq, item.EventId, now);
            flows.AddRange(projected.Flows.Select(f => new FlowRow(seq, item.EventId, item.StreamId, item.RegionCode, f, item.EffectiveDate, now)));
            if (projected.Target is not null) targets.Add(projected.Target);
        }
        return FlowWriter.Inserts(flows, targets);
    }

    /// <summary>
    /// Each event's canonical chain text, made from the values written rather than read back
    /// (decision 40), in sequence order: the order of the links.
    /// </summary>
    private static List<(long Seq, Guid Id, byte[] Text)> ChainLinks(IReadOnlyList<EventWriter.Written> written, Instant now)
    {
        var recorded = Chain.ChainTables.RecordedText(now.ToDateTimeUtc());
        return written.OrderBy(w => w.Event.Sequence)
            .Select(w => (w.Event.Sequence, w.Event.Id, Chain.ChainTables.Canonical(w.Event.Sequence, w.Event.Id, w.Event.StreamKey!, w.Event.Version,
                w.Event.EventTypeName, w.DataJson, recorded, w.Event.UserName, w.HeadersJson)))
            .ToList();
    }

    /// <summary>
    /// Successions write their links, moves and transfers (in sequence order: a chain in one
    /// batch builds on itself); any other event under a code retired after its date moves with its stream.
    /// </summary>
    private static async Task LineageAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Decision decision,
        List<EventWriter.Pending> appended, Instant now, CancellationToken ct)
    {
        var successions = appended.Where(a => a.Item.Event is Regions.RegionSucceeded).OrderBy(a => a.Event.Sequence).ToList();
        foreach (var (item, e, _) in successions)
        {
            var succeeded = (Regions.RegionSucceeded)item.Event;
            var siblings = succeeded.Reason == "split" && succeeded.Streams is null
                ? successions.Select(s => (Regions.RegionSucceeded)s.Item.Event)
                    .Where(s => s.Reason == "split" && s.Predecessors[0] == succeeded.Predecessors[0])
                    .SelectMany(s => s.Streams ?? []).ToList()
                : [];
            await Regions.LineageWriter.SucceededAsync(conn, tx, e.Sequence, item.EventId, succeeded, siblings, now, ct);
        }
        if (successions.Count > 0 || decision.Lineage is not { IsEmpty: false } lineage) return;
        var transitions = decision.Transitions.ToDictionary(t => t.Item.EventId);
        var late = appended.Where(a => lineage.RetiredOn(a.Item.RegionCode) is not null)
            .Select(a => new Regions.LineageWriter.LateEvent(a.Event.Sequence, a.Item.StreamId, a.Item.RegionCode, a.Item.EffectiveDate,
                FlowRules.Of(transitions[a.Item.EventId].Before, a.Item.Event, transitions[a.Item.EventId].After).ToList()))
            .ToList();
        if (late.Count > 0) await Regions.LineageWriter.LateAsync(conn, tx, late, lineage, now, ct);
    }

    /// <summary>Boundaries, footprints and the overlaps they make, in the same transaction (see <see cref="Spatial.GeoWriter"/>).</summary>
    private static async Task ProjectGeometryAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<Transition> transitions,
        Dictionary<Guid, long> sequences, Instant now, CancellationToken ct)
    {
        // Streams this batch creates have no stored boundary to look up.
        var created = transitions.Where(t => t.Before is null).Select(t => t.Item.StreamId).ToHashSet();
        var reused = transitions.Where(t => t.Item.Spec.Domain is "farmland" or "mining" && !created.Contains(t.Item.StreamId))
            .Select(t => t.Item.StreamId).Distinct().ToArray();
        var tracker = new Spatial.GeoTracker(await Spatial.GeoWriter.LastBoundariesAsync(conn, tx, reused, ct));
        var rows = transitions.SelectMany(t => tracker.Project(sequences[t.Item.EventId], t.Item.EventId, t.Item.Spec.Name, t.Item.StreamId,
            t.Item.Event, t.Before, t.After, now, t.Item.Shape)).ToList();
        await Spatial.GeoWriter.WriteAsync(conn, tx, rows, ct);
    }

    /// <summary>
    /// The batch's events as Marten events, grouped stream by stream in first-seen order (the order Marten's own
    /// append numbered them in), each with the version its rules checked.
    /// </summary>
    private static List<EventWriter.Pending> Build(IDocumentSession session, IReadOnlyList<Transition> transitions, string clientName, Instant now)
    {
        var pending = new List<EventWriter.Pending>();
        foreach (var stream in transitions.GroupBy(t => t.Item.StreamId))
            foreach (var (item, before, after) in stream)
            {
                var e = session.Events.BuildEvent(item.Event);
                e.Id = item.EventId;
                e.StreamKey = item.StreamId;
                e.Version = after.Version;
                e.Timestamp = now.ToDateTimeOffset();
                e.UserName = clientName;
                e.SetHeader("contentHash", item.ContentHash);
                if (item.DocumentRef is not null) e.SetHeader("documentRef", item.DocumentRef);
                if (item.Note is not null) e.SetHeader("note", item.Note);
                pending.Add(new EventWriter.Pending(item, e, stream.First().Before is null));
            }
        return pending;
    }

    /// <summary>
    /// Takes the batch's stream locks, then (under them) looks up which of its event ids are already stored: one round trip.
    /// </summary>
    private static async Task<Dictionary<Guid, KnownEvents.Known>> LockStreamsAndFindKnownAsync(NpgsqlConnection conn, NpgsqlTransaction tx,
        IReadOnlyList<IncomingEvent> batch, CancellationToken ct)
    {
        // Sorted, so two batches touching the same streams always lock them in the same order (no deadlock).
        var keys = batch.Select(e => e.StreamId).Distinct().Select(LockKey).Distinct().Order().ToArray();
        await using var both = new NpgsqlBatch(conn, tx)
        {
            BatchCommands =
            {
                SqlBatch.Command("select count(pg_advisory_xact_lock(@class, k)) from unnest(@keys) as k", ("class", LockClass), ("keys", keys)),
                KnownEvents.Query(batch.Select(e => e.EventId).ToArray()),
            },
        };
        await using var r = await both.ExecuteReaderAsync(ct);
        await r.NextResultAsync(ct);
        return await KnownEvents.ReadAsync(r, ct);
    }

    private static int LockKey(string streamId) => BitConverter.ToInt32(SHA256.HashData(Encoding.UTF8.GetBytes(streamId)));

    private static bool IsEventIdRace(Exception e) =>
        e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "idx_mt_events_event_id" }
        || e.InnerException is { } inner && IsEventIdRace(inner);
}
