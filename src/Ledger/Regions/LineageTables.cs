using Weasel.Postgresql.Tables;

namespace Ledger.Regions;

/// <summary>
/// The projections of <c>region.succeeded</c>, written in the ingest transaction: which codes are
/// retired (successions), which streams went where (stream_moves), and the stock balances that
/// moved with them (transfers, summed per event, account and pair of codes). Sheets read the
/// transfers; the flows themselves never change code.
/// </summary>
public static class LineageTables
{
    public const string Successions = "successions";
    public const string StreamMoves = "stream_moves";
    public const string Transfers = "transfers";

    public static Table SuccessionTable(string schema)
    {
        var t = new Table($"{schema}.{Successions}");
        t.AddColumn<long>("seq").AsPrimaryKey();
        t.AddColumn("predecessor", "text").AsPrimaryKey();
        t.AddColumn<Guid>("event_id").NotNull();
        t.AddColumn("successor", "text").NotNull();
        t.AddColumn("reason", "text").NotNull();
        t.AddColumn("effective_date", "date").NotNull();
        t.AddColumn("recorded_at", "timestamp with time zone").NotNull();
        t.AddColumn("streams", "text[]");
        t.Indexes.Add(new IndexDefinition($"ix_{Successions}_successor") { Columns = ["successor"] });
        return t;
    }

    public static Table StreamMoveTable(string schema)
    {
        var t = new Table($"{schema}.{StreamMoves}");
        t.AddColumn<long>("succession_seq").AsPrimaryKey();
        t.AddColumn("stream_id", "text").AsPrimaryKey();
        t.AddColumn("from_code", "text").NotNull();
        t.AddColumn("to_code", "text").NotNull();
        t.AddColumn("effective_date", "date").NotNull();
        t.Indexes.Add(new IndexDefinition($"ix_{StreamMoves}_stream") { Columns = ["stream_id"] });
        t.Indexes.Add(new IndexDefinition($"ix_{StreamMoves}_to") { Columns = ["to_code"] });
        return t;
    }

    public static Table TransferTable(string schema)
    {
        var t = new Table($"{schema}.{Transfers}");
        t.AddColumn<long>("seq").AsPrimaryKey();
        t.AddColumn("account", "text").AsPrimaryKey();
        t.AddColumn("from_code", "text").AsPrimaryKey();
        t.AddColumn("to_code", "text").AsPrimaryKey();
        t.AddColumn("effective_date", "date").AsPrimaryKey();
        t.AddColumn<long>("succession_seq").NotNull();
        t.AddColumn("recorded_at", "timestamp with time zone").NotNull();
        t.AddColumn("amount", "numeric").NotNull();
        t.Indexes.Add(new IndexDefinition($"ix_{Transfers}_from") { Columns = ["from_code"] });
        t.Indexes.Add(new IndexDefinition($"ix_{Transfers}_to") { Columns = ["to_code"] });
        return t;
    }

    /// <summary>
    /// What the transfers must hold, as SQL over the flows and the moves: every move carries the
    /// stream's whole stock balance dated before the succession. Flows recorded before the
    /// succession move under its own sequence; a late record (a flow dated before the succession,
    /// recorded after it) moves under the late event's sequence, when it is recorded. Not
    /// recursive: a stream's balance is its own, whatever code its earlier flows carried.
    /// </summary>
    public static string TransfersOf(string schema, string flows = "flows", string moves = StreamMoves) => $"""
        select case when f.seq < m.succession_seq then m.succession_seq else f.seq end as seq, f.account, m.from_code, m.to_code,
               m.effective_date, m.succession_seq,
               case when f.seq < m.succession_seq then s.recorded_at else max(f.recorded_at) end as recorded_at,
               sum(f.amount) as amount
        from ({Flows.LandUseFlows.StockRows($"{schema}.{flows}")}) f
        join {schema}.{moves} m on m.stream_id = f.stream_id and f.effective_date < m.effective_date
        join (select distinct seq, recorded_at from {schema}.{Successions}) s on s.seq = m.succession_seq
        group by 1, 2, 3, 4, 5, 6, s.recorded_at, (f.seq < m.succession_seq)
        having sum(f.amount) <> 0
        """;
}
