using Weasel.Postgresql.Tables;

namespace Ledger.Integrity;

/// <summary>
/// The last derived-table check's result, one row, so that every node's readiness reports the
/// check one node ran (the check is periodic work that runs once across the cluster). Not
/// evidence: the row is overwritten by each check.
/// </summary>
public static class DerivedCheckResults
{
    public const string Name = "derived_check_result";

    public static Table Definition(string schema)
    {
        var t = new Table($"{schema}.{Name}");
        t.AddColumn("id", "text").AsPrimaryKey();
        t.AddColumn("checked_at", "timestamp with time zone").NotNull();
        t.AddColumn("node", "text").NotNull();
        t.AddColumn("problems", "jsonb").NotNull();
        return t;
    }
}
