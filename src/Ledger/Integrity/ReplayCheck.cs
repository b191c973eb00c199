using Ledger.Flows;
using Npgsql;

namespace Ledger.Integrity;

/// <summary>
/// Replays every event with the ingest rules and compares what the replay gives with what is
/// stored: the rows of flows, targets and the event index (merged with the events by sequence,
/// so a forged extra row and a missing one both show), then every stream-state document.
/// </summary>
internal sealed class ReplayCheck(NpgsqlConnection conn, NpgsqlTransaction tx, Action<string>? progress)
{
    private sealed record Walk(RowTable Table, Cursor<DerivedRow> Rows, Differences Differences);

    public async Task<IReadOnlyList<Differences>> RunAsync(CancellationToken ct)
    {
        var replay = new EventReplay();
        var lastSeq = new Dictionary<string, long>();
        var broken = new HashSet<string>();
        var unreplayable = new Differences("mt_events", "", "cannot be replayed with the ledger's rules (their streams are checked no further)");
        var events = new Cursor<EventRow>(conn, tx, "verify_events", EventReplay.Read);
        await events.OpenAsync(EventReplay.Select, ct);
        var walks = new List<Walk>();
        foreach (var table in RowTable.All)
        {
            var walk = new Walk(table, new Cursor<DerivedRow>(conn, tx, $"verify_{table.Name}", RowTable.Read), new Differences(table.Name, "a replay of the events"));
            await walk.Rows.OpenAsync(table.Sql, ct);
            walks.Add(walk);
        }

        long n = 0;
        while (await events.PeekAsync(ct) is not null)
        {
            var row = events.Take();
            ReplayedEvent? replayed = null;
            if (!broken.Contains(row.StreamId))
            {
                try
                {
                    replayed = replay.Apply(row);
                    lastSeq[row.StreamId] = row.Seq;
                }
                catch (ReplayException e)
                {
                    broken.Add(row.StreamId);
                    replay.Forget(row.StreamId);
                    unreplayable.Add(row.Seq, e.Message);
                }
            }
            foreach (var walk in walks)
            {
                await ExtraUpToAsync(walk, row.Seq - 1, ct);
                var stored = await TakeAtAsync(walk.Rows, row.Seq, ct);
                // A stream that cannot be replayed has no expected rows to compare with: its own problem says so.
                if (replayed is not null) Compare(walk, row.Seq, stored, walk.Table.Expected(replayed));
            }
            if (++n % 200_000 == 0) progress?.Invoke($"  {n:N0} events replayed against the derived tables");
        }
        foreach (var walk in walks)
        {
            await ExtraUpToAsync(walk, long.MaxValue, ct);
            await walk.Rows.CloseAsync(ct);
        }
        await events.CloseAsync(ct);

        progress?.Invoke($"  {n:N0} events replayed; comparing the stream states");
        var states = new Dictionary<string, Differences>();
        await StateDocuments.CompareAsync(conn, tx, replay.States, broken.Contains, d =>
        {
            if (!states.TryGetValue(d.Table, out var differences))
                states[d.Table] = differences = new Differences(d.Table, "a replay of the events");
            differences.Add(lastSeq.GetValueOrDefault(d.StreamId), $"stream {d.StreamId}: {d.What}");
        }, ct);
        return [.. states.Values, .. walks.Select(w => w.Differences), unreplayable];
    }

    /// <summary>Stored rows at sequences no event has (or only a Marten tombstone): nothing the ledger wrote.</summary>
    private static async Task ExtraUpToAsync(Walk walk, long seq, CancellationToken ct)
    {
        while (await walk.Rows.PeekAsync(ct) is { } row && row.Seq <= seq)
        {
            walk.Rows.Take();
            walk.Differences.Add(row.Seq, $"sequence {row.Seq}{Key(row)}: stored ({walk.Table.Describe(row)}), but there is no event at that sequence");
        }
    }

    private static async Task<List<DerivedRow>> TakeAtAsync(Cursor<DerivedRow> rows, long seq, CancellationToken ct)
    {
        var taken = new List<DerivedRow>();
        while (await rows.PeekAsync(ct) is { } row && row.Seq == seq) taken.Add(rows.Take());
        return taken;
    }

    private static void Compare(Walk walk, long seq, List<DerivedRow> stored, IEnumerable<DerivedRow> expected)
    {
        foreach (var want in expected)
        {
            var have = stored.FirstOrDefault(s => s.Key == want.Key);
            if (have is null)
                walk.Differences.Add(seq, $"sequence {seq}{Key(want)}: missing; a replay gives ({walk.Table.Describe(want)})");
            else
            {
                stored.Remove(have);
                if (!RowTable.Same(have, want))
                    walk.Differences.Add(seq, $"sequence {seq}{Key(want)}: {walk.Table.Difference(have, want)}");
            }
        }
        foreach (var extra in stored)
            walk.Differences.Add(seq, $"sequence {seq}{Key(extra)}: stored ({walk.Table.Describe(extra)}), but a replay of that event gives no such row");
    }

    private static string Key(DerivedRow row) => row.Key.Length == 0 ? "" : $" {row.Key}";
}
