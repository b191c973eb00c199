using Weasel.Postgresql.Tables;

namespace Ledger.Storage;

/// <summary>Issued departure-audit reports (written by the audit service; defined here so one migration creates every table).</summary>
public static class ReportTable
{
    public const string Name = "audit_reports";

    public static Table Definition(string schema)
    {
        var t = new Table($"{schema}.{Name}");
        t.AddColumn<Guid>("id").AsPrimaryKey();
        t.AddColumn("tenure_id", "text").NotNull();
        t.AddColumn("region_code", "text").NotNull();
        t.AddColumn("known_at", "timestamp with time zone").NotNull();
        t.AddColumn<long>("high_water").NotNull();
        t.AddColumn("rule_set", "text").NotNull();
        t.AddColumn("functional_zone", "text").NotNull();
        // The module points the auditor chose (JSON), null for the rule set's defaults.
        t.AddColumn("weights", "text");
        t.AddColumn<bool>("interim").NotNull();
        t.AddColumn("generated_at", "timestamp with time zone").NotNull();
        t.AddColumn("generated_by", "text").NotNull();
        t.AddColumn("content", "text").NotNull();
        t.AddColumn("content_sha256", "text").NotNull();
        t.Indexes.Add(new IndexDefinition($"ix_{Name}_tenure") { Columns = ["tenure_id"] });
        t.Indexes.Add(new IndexDefinition($"ix_{Name}_region") { Columns = ["region_code"] });
        // The issuing quota counts a client's recent reports.
        t.Indexes.Add(new IndexDefinition($"ix_{Name}_issuer") { Columns = ["generated_by", "generated_at"] });
        return t;
    }
}
