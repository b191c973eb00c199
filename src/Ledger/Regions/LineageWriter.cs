using Ledger.Flows;
using Ledger.Storage;
using NodaTime;
using Npgsql;
using NpgsqlTypes;

namespace Ledger.Regions;

/// <summary>Writes the lineage tables in the ingest transaction (and in rebuilds).</summary>
public static class LineageWriter
{
    private static readonly string S = LedgerStore.Schema;

    /// <summary>
    /// One accepted succession: its links, then every stream of each predecessor moved to the
    /// successor (a split's listed streams to the successor listing them, the rest to the one
    /// listing none), then the stock balances those streams carry across. Called in sequence
    /// order, after the batch's event index rows are written.
    /// </summary>
    public static async Task SucceededAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long seq, Guid eventId, RegionSucceeded e,
        IReadOnlyList<string> listedBySiblings, Instant now, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(conn, tx);
        foreach (var p in e.Predecessors)
        {
            var link = new NpgsqlBatchCommand($"""
                insert into {S}.{LineageTables.Successions} (seq, predecessor, event_id, successor, reason, effective_date, recorded_at, streams)
                values (@seq, @p, @id, @s, @reason, @date, @now, @streams)
                """);
            link.Parameters.AddWithValue("seq", seq);
            link.Parameters.AddWithValue("p", p);
            link.Parameters.AddWithValue("id", eventId);
            link.Parameters.AddWithValue("s", e.RegionCode);
            link.Parameters.AddWithValue("reason", e.Reason);
            link.Parameters.AddWithValue("date", e.EffectiveDate.ToDateOnly());
            link.Parameters.AddWithValue("now", now.ToDateTimeUtc());
            link.Parameters.Add(new NpgsqlParameter("streams", NpgsqlDbType.Array | NpgsqlDbType.Text)
                { Value = e.Streams is null ? DBNull.Value : e.Streams.ToArray() });
            batch.BatchCommands.Add(link);

            // The predecessor's streams: those with an event under its code, and those moved to it earlier.
            var which = e.Streams is not null
                ? "where stream_id = any(@listed)"
                : "where not (stream_id = any(@others))";
            var moves = new NpgsqlBatchCommand($"""
                insert into {S}.{LineageTables.StreamMoves} (succession_seq, stream_id, from_code, to_code, effective_date)
                select @seq, stream_id, @p, @s, @date from (
                  select stream_id from {S}.{Investigations.EventIndex.Table} where region_code = @p and stream_id not like 'region:%'
                  union select stream_id from {S}.{LineageTables.StreamMoves} where to_code = @p) streams
                {which}
                """);
            moves.Parameters.AddWithValue("seq", seq);
            moves.Parameters.AddWithValue("p", p);
            moves.Parameters.AddWithValue("s", e.RegionCode);
            moves.Parameters.AddWithValue("date", e.EffectiveDate.ToDateOnly());
            moves.Parameters.AddWithValue("listed", (e.Streams ?? []).Select(Succession.StreamIdOf).ToArray());
            moves.Parameters.AddWithValue("others", listedBySiblings.Select(Succession.StreamIdOf).ToArray());
            batch.BatchCommands.Add(moves);
        }
        var transfers = new NpgsqlBatchCommand($"""
            insert into {S}.{LineageTables.Transfers} (seq, account, from_code, to_code, effective_date, succession_seq, recorded_at, amount)
            select @seq, f.account, m.from_code, m.to_code, m.effective_date, @seq, @now, sum(f.amount)
            from ({LandUseFlows.StockRows($"{S}.{FlowTables.Flows}")}) f
            join {S}.{LineageTables.StreamMoves} m on m.stream_id = f.stream_id and m.succession_seq = @seq and f.effective_date < m.effective_date
            where f.seq < @seq
            group by f.account, m.from_code, m.to_code, m.effective_date having sum(f.amount) <> 0
            """);
        transfers.Parameters.AddWithValue("seq", seq);
        transfers.Parameters.AddWithValue("now", now.ToDateTimeUtc());
        batch.BatchCommands.Add(transfers);
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>An accepted event under a code retired after its date (a late record): its stream follows the successions, and its stock flows move with it.</summary>
    public sealed record LateEvent(long Seq, string StreamId, string RegionCode, LocalDate EffectiveDate, IReadOnlyList<Flow> Flows);

    public static async Task LateAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<LateEvent> events, Lineage lineage, Instant now,
        CancellationToken ct)
    {
        var moves = new List<(long Succession, string Stream, string From, string To, LocalDate Date)>();
        var transfers = new List<(long Seq, string Account, string From, string To, LocalDate Date, long Succession, decimal Amount)>();
        foreach (var e in events)
            foreach (var link in lineage.MovesAfter(e.RegionCode, e.StreamId, e.EffectiveDate))
            {
                moves.Add((link.Seq, e.StreamId, link.Predecessor, link.Successor, link.EffectiveDate));
                transfers.AddRange(LandUseFlows.Stock(e.Flows).GroupBy(f => f.Account)
                    .Select(g => (e.Seq, g.Key, link.Predecessor, link.Successor, link.EffectiveDate, link.Seq, g.Sum(f => f.Amount)))
                    .Where(t => t.Item7 != 0));
            }
        if (moves.Count == 0) return;
        await using var batch = new NpgsqlBatch(conn, tx);
        var m = new NpgsqlBatchCommand($"""
            insert into {S}.{LineageTables.StreamMoves} (succession_seq, stream_id, from_code, to_code, effective_date)
            select * from unnest(@succession, @stream, @from, @to, @date) on conflict do nothing
            """);
        m.Parameters.AddWithValue("succession", moves.Select(x => x.Succession).ToArray());
        m.Parameters.AddWithValue("stream", moves.Select(x => x.Stream).ToArray());
        m.Parameters.AddWithValue("from", moves.Select(x => x.From).ToArray());
        m.Parameters.AddWithValue("to", moves.Select(x => x.To).ToArray());
        m.Parameters.Add(new NpgsqlParameter("date", NpgsqlDbType.Array | NpgsqlDbType.Date) { Value = moves.Select(x => x.Date.ToDateOnly()).ToArray() });
        batch.BatchCommands.Add(m);
        var t = new NpgsqlBatchCommand($"""
            insert into {S}.{LineageTables.Transfers} (seq, account, from_code, to_code, effective_date, succession_seq, recorded_at, amount)
            select s, a, fr, t, d, su, @now, am from unnest(@seq, @account, @from, @to, @date, @succession, @amount) as x(s, a, fr, t, d, su, am)
            """);
        t.Parameters.AddWithValue("seq", transfers.Select(x => x.Seq).ToArray());
        t.Parameters.AddWithValue("account", transfers.Select(x => x.Account).ToArray());
        t.Parameters.AddWithValue("from", transfers.Select(x => x.From).ToArray());
        t.Parameters.AddWithValue("to", transfers.Select(x => x.To).ToArray());
        t.Parameters.Add(new NpgsqlParameter("date", NpgsqlDbType.Array | NpgsqlDbType.Date) { Value = transfers.Select(x => x.Date.ToDateOnly()).ToArray() });
        t.Parameters.AddWithValue("succession", transfers.Select(x => x.Succession).ToArray());
        t.Parameters.AddWithValue("amount", transfers.Select(x => x.Amount).ToArray());
        t.Parameters.AddWithValue("now", now.ToDateTimeUtc());
        batch.BatchCommands.Add(t);
        await batch.ExecuteNonQueryAsync(ct);
    }
}
