using Ledger.Flows;
using Ledger.Investigations;
using Ledger.Regions;
using Ledger.Storage;
using Npgsql;

namespace Ledger.Integrity;

/// <summary>
/// The stream moves and transfers against what the successions, the event index and the flows
/// give (the successions themselves are checked against a replay with the other per-event tables).
/// Each is a set comparison in SQL, both ways, reporting the first differing row and the count.
/// </summary>
internal static class LineageCheck
{
    private static readonly string S = LedgerStore.Schema;

    /// <summary>Every stream of a retired code goes to the successor that listed it in a split, else to the only (or remaining) successor.</summary>
    private static string ExpectedMoves => $"""
        with candidates as (
          select distinct p.predecessor, x.stream_id
          from (select distinct predecessor from {S}.{LineageTables.Successions}) p
          join lateral (
            select stream_id from {S}.{EventIndex.Table} where region_code = p.predecessor and stream_id not like 'region:%'
            union select stream_id from {S}.{LineageTables.StreamMoves} where to_code = p.predecessor) x on true),
        chosen as (
          select c.stream_id, c.predecessor, coalesce(
            (select l.seq from {S}.{LineageTables.Successions} l
             where l.predecessor = c.predecessor and replace(c.stream_id, ':', '/') = any(l.streams) order by l.seq limit 1),
            (select l.seq from {S}.{LineageTables.Successions} l
             where l.predecessor = c.predecessor and l.streams is null order by l.seq limit 1)) as seq
          from candidates c)
        select ch.seq as succession_seq, ch.stream_id, ch.predecessor as from_code, l.successor as to_code, l.effective_date
        from chosen ch join {S}.{LineageTables.Successions} l on l.seq = ch.seq and l.predecessor = ch.predecessor
        """;

    public static async Task<IReadOnlyList<Differences>> RunAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct) =>
    [
        await CompareAsync(conn, tx, LineageTables.StreamMoves, "the successions and the event index", ExpectedMoves,
            ["succession_seq", "stream_id"], ["from_code", "to_code", "effective_date"], ct),
        await CompareAsync(conn, tx, LineageTables.Transfers, "the stock of the moved streams in the flows",
            LineageTables.TransfersOf(S, FlowTables.Flows),
            ["seq", "account", "from_code", "to_code", "effective_date"], ["succession_seq", "recorded_at", "amount"], ct),
    ];

    private static async Task<Differences> CompareAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string table, string against,
        string expectedSql, string[] keys, string[] values, CancellationToken ct)
    {
        var differences = new Differences(table, against);
        var keyList = string.Join(", ", keys);
        var differ = string.Join(" or ", values.Select(v => $"t.{v} is distinct from e.{v}"));
        await using var cmd = LongRunning.Command($"""
            with expected as ({expectedSql}),
            differing as (
              select {keyList}, {string.Join(", ", values.Select(v => $"t.{v} as t_{v}, e.{v} as e_{v}"))}
              from {S}.{table} t full join expected e using ({keyList})
              where {differ})
            select {string.Join(", ", keys.Select(k => $"{k}::text"))},
                   {string.Join(", ", values.Select(v => $"coalesce(t_{v}::text, 'none') || ' (expected ' || coalesce(e_{v}::text, 'none') || ')'"))},
                   count(*) over ()
            from differing order by {keyList} limit 1
            """, conn, tx);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return differences;
        var row = string.Join(", ", keys.Select((k, i) => $"{k} {r.GetString(i)}")) + ": " +
                  string.Join("; ", values.Select((v, i) => $"{v} {r.GetString(keys.Length + i)}"));
        var seq = keys[0] is "seq" or "succession_seq" && long.TryParse(r.GetString(0), out var s) ? s : 0;
        differences.Add(seq, row, r.GetInt64(keys.Length + values.Length));
        return differences;
    }
}
