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
        ["mt_events", "chain", "checkpoints", Chain.NationalCheckpoints.Table, "flows", "targets", "event_index", ReportTable.Name,
         Regions.LineageTables.Successions, Regions.LineageTables.StreamMoves, Regions.LineageTables.Transfers, .. Spatial.GeoTables.All,
         .. Imports.ImportStore.Tables, .. Chain.LogTables.AppendOnly];

    public const string DefaultAppRole = "ledger_app";

    /// <summary>
    /// Creates the runtime role if missing (needs CREATEROLE) and grants it what it needs. CREATE
    /// on the schema lets Wolverine add its own tables; it cannot alter tables it does not own.
    /// A missing role the owner may not create is a refusal to start, never a silent fall-back to
    /// running as the owner.
    /// </summary>
    public static async Task GrantAsync(NpgsqlDataSource owner, string appRole, string? password = null, CancellationToken ct = default)
    {
        var s = LedgerStore.Schema;
        var role = $"\"{appRole.Replace("\"", "")}\"";
        await using var conn = await owner.OpenConnectionAsync(ct);
        await using (var check = new NpgsqlCommand("""
            select exists (select 1 from pg_roles where rolname = @role),
                   (select rolcreaterole or rolsuper from pg_roles where rolname = current_user)
            """, conn))
        {
            check.Parameters.AddWithValue("role", appRole);
            await using var r = await check.ExecuteReaderAsync(ct);
            await r.ReadAsync(ct);
            var (exists, mayCreate) = (r.GetBoolean(0), r.GetBoolean(1));
            if (!exists && !mayCreate)
                throw new StartupRefusedException(
                    $"The service runs as the append-only role '{appRole}', which does not exist, and the owner in LEDGER_DB may not create roles " +
                    $"(it needs CREATEROLE). Create it (create role {role} login password '…'), then set LEDGER_APP_DB to its connection string; " +
                    "or set LEDGER_RUN_AS_OWNER=1 to run as the owner — not recommended: the running service could then rewrite history.");
            if (password is not null && !mayCreate)
                throw new StartupRefusedException(
                    $"The owner in LEDGER_DB may not set the password of '{appRole}' (it needs CREATEROLE): give the runtime role's connection in LEDGER_APP_DB.");
        }
        var setPassword = password is null ? "" : $"alter role {role} login password '{password.Replace("'", "''")}';";
        await using var cmd = new NpgsqlCommand($"""
            do $$ begin
              if not exists (select 1 from pg_roles where rolname = '{appRole.Replace("'", "")}') then
                create role {role} login;
              end if;
            end $$;
            {setPassword}
            grant usage, create on schema {s} to {role};
            grant select, insert, update, delete on all tables in schema {s} to {role};
            grant usage, select, update on all sequences in schema {s} to {role};
            grant execute on all functions in schema {s} to {role};
            revoke update, delete, truncate on {string.Join(", ", AppendOnly.Select(t => $"{s}.{t}"))} from {role};
            """, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The owner's connection string with the runtime role as user (and its password where the owner signs in with one).</summary>
    public static string AsRole(string ownerConnectionString, string appRole, string? password = null) =>
        new NpgsqlConnectionStringBuilder(ownerConnectionString) { Username = appRole, Password = password }.ConnectionString;
}

/// <summary>The service cannot start safely as configured; the message says what to change.</summary>
public sealed class StartupRefusedException(string message) : Exception(message);
