using Weasel.Postgresql.Tables;

namespace Ledger.Flows;

/// <summary>
/// The flat tables the balance sheets are computed from. Both are projections of the events:
/// written in the ingest transaction, and rebuildable from the events alone.
/// </summary>
public static class FlowTables
{
    public const string Flows = "flows";
    public const string Targets = "targets";

    public static Table FlowTable(string schema, string name = Flows)
    {
        var t = new Table($"{schema}.{name}");
        t.AddColumn<long>("seq").AsPrimaryKey();
        t.AddColumn("account", "text").AsPrimaryKey();
        t.AddColumn("cause", "text").NotNull();
        t.AddColumn("nature", "text").NotNull();
        t.AddColumn<Guid>("event_id").NotNull();
        t.AddColumn("stream_id", "text").NotNull();
        t.AddColumn("region_code", "text").NotNull();
        t.AddColumn("year", "integer");
        t.AddColumn("effective_date", "date").NotNull();
        t.AddColumn("recorded_at", "timestamp with time zone").NotNull();
        t.AddColumn("amount", "numeric").NotNull();
        t.Indexes.Add(new IndexDefinition($"ix_{name}_region_date") { Columns = ["region_code", "effective_date"] });
        return t;
    }

    public static Table TargetTable(string schema, string name = Targets)
    {
        var t = new Table($"{schema}.{name}");
        t.AddColumn<long>("seq").AsPrimaryKey();
        t.AddColumn<Guid>("event_id").NotNull();
        t.AddColumn("region_code", "text").NotNull();
        t.AddColumn("retention_ha", "numeric").NotNull();
        t.AddColumn("permanent_basic_ha", "numeric").NotNull();
        t.AddColumn("effective_date", "date").NotNull();
        t.AddColumn("recorded_at", "timestamp with time zone").NotNull();
        t.Indexes.Add(new IndexDefinition($"ix_{name}_region") { Columns = ["region_code", "effective_date"] });
        return t;
    }
}
