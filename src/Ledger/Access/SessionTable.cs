using Weasel.Postgresql.Tables;

namespace Ledger.Access;

/// <summary>
/// The workbench's browser sessions, in the database so that every node behind a load balancer
/// knows them (issue 12): the hash of the cookie's token, the hash of the API key it was opened
/// with, and when it was opened and last used. Not evidence: rows are updated and deleted.
/// </summary>
public static class SessionTable
{
    public const string Name = "workbench_sessions";

    public static Table Definition(string schema)
    {
        var t = new Table($"{schema}.{Name}");
        t.AddColumn("id", "text").AsPrimaryKey();
        t.AddColumn("key_hash", "text").NotNull();
        t.AddColumn("signed_in", "timestamp with time zone").NotNull();
        t.AddColumn("last_used", "timestamp with time zone").NotNull();
        return t;
    }
}
