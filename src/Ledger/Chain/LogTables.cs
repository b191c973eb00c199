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

    /// <summary>The tables the runtime role may only append to (the edge is rewritten by design).</summary>
    public static readonly string[] AppendOnly = [Tiles, Checkpoints];

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
}
