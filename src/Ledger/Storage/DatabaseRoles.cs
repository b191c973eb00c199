using Npgsql;

namespace Ledger.Storage;

/// <summary>
/// Two roles: the owner migrates the schema; the application's runtime role may append but
/// never UPDATE, DELETE or TRUNCATE the evidence (events, chain, checkpoints, flows, targets,
/// event index, issued audit reports). Whoever compromises the running service cannot rewrite history through it.
/// </summary>
public static class DatabaseRoles
{
    public static readonly string[] AppendOnly =
        ["mt_events", "chain", "checkpoints", "flows", "targets", "event_index", ReportTable.Name];

    /// <summary>
    /// Creates the runtime role if missing (needs CREATEROLE) and grants it what it needs. CREATE
    /// on the schema lets Wolverine add its own tables; it cannot alter tables it does not own.
    /// </summary>
    public static async Task GrantAsync(NpgsqlDataSource owner, string appRole, CancellationToken ct = default)
    {
        var s = LedgerStore.Schema;
        var role = $"\"{appRole.Replace("\"", "")}\"";
        await using var conn = await owner.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand($"""
            do $$ begin
              if not exists (select 1 from pg_roles where rolname = '{appRole.Replace("'", "")}') then
                create role {role} login;
              end if;
            end $$;
            grant usage, create on schema {s} to {role};
            grant select, insert, update, delete on all tables in schema {s} to {role};
            grant usage, select, update on all sequences in schema {s} to {role};
            grant execute on all functions in schema {s} to {role};
            revoke update, delete, truncate on {string.Join(", ", AppendOnly.Select(t => $"{s}.{t}"))} from {role};
            """, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The owner's connection string with the runtime role as user (trust or peer authentication on the private cluster).</summary>
    public static string AsRole(string ownerConnectionString, string appRole) =>
        new NpgsqlConnectionStringBuilder(ownerConnectionString) { Username = appRole, Password = null }.ConnectionString;
}
