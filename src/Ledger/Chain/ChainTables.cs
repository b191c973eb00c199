using Weasel.Postgresql.Tables;

namespace Ledger.Chain;

/// <summary>
/// The tamper-evidence chain: one link per event, in commit order. Each link's hash covers
/// the previous link's hash and the event's canonical text, so changing, deleting, inserting
/// or reordering an event row breaks every later link.
/// </summary>
public static class ChainTables
{
    public const string Links = "chain";
    public const string Checkpoints = "checkpoints";

    public static Table LinkTable(string schema)
    {
        var t = new Table($"{schema}.{Links}");
        t.AddColumn<long>("position").AsPrimaryKey();
        t.AddColumn<long>("seq").NotNull();
        t.AddColumn("hash", "bytea").NotNull();
        t.Indexes.Add(new IndexDefinition($"ux_{Links}_seq") { Columns = ["seq"], IsUnique = true });
        return t;
    }

    public static Table CheckpointTable(string schema)
    {
        var t = new Table($"{schema}.{Checkpoints}");
        t.AddColumn<long>("position").AsPrimaryKey();
        t.AddColumn("hash", "bytea").NotNull();
        t.AddColumn("signed_at", "timestamp with time zone").NotNull();
        t.AddColumn("signature", "bytea").NotNull();
        return t;
    }

    /// <summary>
    /// The canonical text of an event row (alias <c>e</c>): sequence, id, stream, version, type,
    /// data and headers as PostgreSQL renders jsonb (deterministic), the recorded instant in UTC
    /// to the microsecond, and the posting client.
    /// </summary>
    public const string CanonicalText =
        "concat_ws('|', e.seq_id, e.id, e.stream_id, e.version, e.type, e.data::text, " +
        "to_char(e.timestamp at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), coalesce(e.user_name, ''), coalesce(e.headers::text, ''))";
}
