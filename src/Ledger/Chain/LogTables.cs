using Ledger.Storage;
using Npgsql;
using Weasel.Postgresql.Tables;

namespace Ledger.Chain;

/// <summary>
/// The transparency log beside the chain (contract 1.6), stored as C2SP tiles of height 8:
/// <c>log_tiles</c> holds full tiles and full entry bundles (level -1), insert-only;
/// <c>log_edge</c> holds the right edge, one partial tile per level, rewritten as the tree grows
/// (a partial tile of width W is the first W hashes of the full tile it becomes, so every
/// checkpointed width is served from it); <c>log_checkpoints</c> keeps every signed checkpoint.
/// </summary>
public static class LogTables
{
    public const string Tiles = "log_tiles", Edge = "log_edge", Checkpoints = "log_checkpoints";

    /// <summary>Witnessing (contract 1.6): cosignatures received, each witness's last answer, and refusals that show a fork.</summary>
    public const string Cosignatures = "log_cosignatures", Witnesses = "log_witnesses", Forks = "log_forks";

    /// <summary>The tables the runtime role may only append to (the edge and the witnesses' last answers are rewritten by design).</summary>
    public static readonly string[] AppendOnly = [Tiles, Checkpoints, Cosignatures, Forks];

    /// <summary>
    /// Tiles are stored out of line without compression: hash tiles are random bytes and entry
    /// bundles barely compress, yet PostgreSQL tries (pglz) every time a tile or the edge is
    /// written, under the chain's lock. Weasel has no word for a column's storage, so it is set here.
    /// </summary>
    public static async Task EnsureStorageAsync(NpgsqlDataSource owner, CancellationToken ct = default)
    {
        await using var cmd = owner.CreateCommand($"""
            do $$ begin
              if exists (select 1 from pg_attribute where attrelid = '{LedgerStore.Schema}.{Tiles}'::regclass and attname = 'data' and attstorage <> 'e') then
                alter table {LedgerStore.Schema}.{Tiles} alter column data set storage external;
              end if;
              if exists (select 1 from pg_attribute where attrelid = '{LedgerStore.Schema}.{Edge}'::regclass and attname = 'data' and attstorage <> 'e') then
                alter table {LedgerStore.Schema}.{Edge} alter column data set storage external;
              end if;
            end $$
            """);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public static Table TileTable(string schema)
    {
        var t = new Table($"{schema}.{Tiles}");
        t.AddColumn<int>("level").AsPrimaryKey();
        t.AddColumn<long>("n").AsPrimaryKey();
        t.AddColumn("data", "bytea").NotNull();
        return t;
    }

    public static Table EdgeTable(string schema)
    {
        var t = new Table($"{schema}.{Edge}");
        t.AddColumn<int>("level").AsPrimaryKey();
        t.AddColumn<long>("n").NotNull();
        t.AddColumn("data", "bytea").NotNull();
        return t;
    }

    public static Table CheckpointTable(string schema)
    {
        var t = new Table($"{schema}.{Checkpoints}");
        t.AddColumn<long>("size").AsPrimaryKey();
        t.AddColumn("root", "bytea").NotNull();
        t.AddColumn("note", "text").NotNull();
        t.AddColumn("signed_at", "timestamp with time zone").NotNull();
        return t;
    }

    /// <summary>A witness's cosignature line on the checkpoint of <c>size</c>; one per witness and size.</summary>
    public static Table CosignatureTable(string schema)
    {
        var t = new Table($"{schema}.{Cosignatures}");
        t.AddColumn<long>("size").AsPrimaryKey();
        t.AddColumn<string>("witness").AsPrimaryKey();
        t.AddColumn("line", "text").NotNull();
        t.AddColumn("received_at", "timestamp with time zone").NotNull();
        return t;
    }

    /// <summary>Each witness's latest answer: the size it last cosigned here, and whether its last refusal showed a fork.</summary>
    public static Table WitnessTable(string schema)
    {
        var t = new Table($"{schema}.{Witnesses}");
        t.AddColumn<string>("witness").AsPrimaryKey();
        t.AddColumn<long>("cosigned_size").NotNull();
        t.AddColumn<string>("state").NotNull();
        t.AddColumn("detail", "text");
        t.AddColumn("updated_at", "timestamp with time zone").NotNull();
        return t;
    }

    /// <summary>Every refusal that shows a fork, kept: the checkpoint sent, the size sent as old, and the witness's answer.</summary>
    public static Table ForkTable(string schema)
    {
        var t = new Table($"{schema}.{Forks}");
        t.AddColumn<string>("witness").AsPrimaryKey();
        t.AddColumn("at", "timestamp with time zone").AsPrimaryKey();
        t.AddColumn<long>("old_size").NotNull();
        t.AddColumn("checkpoint", "text").NotNull();
        t.AddColumn<int>("status").NotNull();
        t.AddColumn("answer", "text").NotNull();
        t.AddColumn("detail", "text").NotNull();
        return t;
    }
}
