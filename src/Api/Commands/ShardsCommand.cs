using JasperFx.CommandLine;
using Ledger.Api.Hosting;
using Ledger.Chain;
using Ledger.Storage;
using Npgsql;

namespace Ledger.Api.Commands;

public enum ShardsAction
{
    list,
    check,
}

public sealed class ShardsInput
{
    [Description("list: each database and its provinces; check: also that each answers with the ledger's schema and a level chain")]
    public ShardsAction Action { get; set; }
}

/// <summary>
/// <c>shards list|check</c>: the databases of <c>LEDGER_SHARDS_FILE</c> (the catalogue first). Check
/// connects to each as its owner and reports its events, chain head and whether the chain is level
/// with the events; exit 1 when any database does not answer or is not level. Changes nothing.
/// </summary>
[Description("List the ledger's databases and their provinces, or check each one", Name = "shards")]
public sealed class ShardsCommand : JasperFxAsyncCommand<ShardsInput>
{
    private readonly IConfiguration _config;
    private readonly TextWriter _out;

    public ShardsCommand(IConfiguration config, TextWriter output)
    {
        (_config, _out) = (config, output);
        Usage("list or check").Arguments(x => x.Action);
    }

    public override async Task<bool> Execute(ShardsInput input)
    {
        var database = await LedgerDatabase.ResolveAsync(_config);
        try
        {
            var specs = _config["LEDGER_SHARDS_FILE"] is { Length: > 0 } file ? ShardsFile.Read(file, database.Owner.ConnectionString) : [];
            var all = new List<(string Name, string Provinces, string Connection)>
            {
                (ShardsFile.Catalogue, specs.Count == 0 ? "all" : "every province no shard lists", database.Owner.ConnectionString),
            };
            all.AddRange(specs.Select(s => (s.Name, string.Join(", ", s.Provinces), s.Connection)));
            var ok = true;
            foreach (var (name, provinces, connection) in all)
            {
                var where = new NpgsqlConnectionStringBuilder(connection) is var b ? $"{b.Host}:{b.Port}/{b.Database}" : "";
                if (input.Action == ShardsAction.list)
                {
                    await _out.WriteLineAsync($"{name,-12} {where,-40} provinces: {provinces}");
                    continue;
                }
                var state = await StateAsync(connection);
                ok &= state.Ok;
                await _out.WriteLineAsync($"{name,-12} {where,-40} {state.Text}");
            }
            return ok;
        }
        catch (StartupRefusedException e)
        {
            await _out.WriteLineAsync(e.Message);
            return false;
        }
        finally
        {
            await database.Owner.DisposeAsync();
            await database.Runtime.DisposeAsync();
            if (database.Embedded is not null) await database.Embedded.StopAsync();
        }
    }

    private static async Task<(bool Ok, string Text)> StateAsync(string connection)
    {
        try
        {
            await using var conn = new NpgsqlConnection(connection);
            await conn.OpenAsync();
            var s = LedgerStore.Schema;
            await using var exists = new NpgsqlCommand($"select to_regclass('{s}.mt_events') is not null and to_regclass('{s}.{ChainTables.Links}') is not null", conn);
            if (!(bool)(await exists.ExecuteScalarAsync())!) return (false, "NO SCHEMA: start the service once to apply it");
            await using var cmd = new NpgsqlCommand($"""
                select (select count(*) from {s}.mt_events), (select coalesce(max(seq_id), 0) from {s}.mt_events),
                       (select coalesce(max(seq), 0) from {s}.{ChainTables.Links})
                """, conn);
            await using var r = await cmd.ExecuteReaderAsync();
            await r.ReadAsync();
            var (events, head, chained) = (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2));
            return chained == head
                ? (true, $"OK: {events:N0} events, chain level at {chained:N0}")
                : (false, $"NOT LEVEL: {events:N0} events up to {head:N0}, chain at {chained:N0} (run verify)");
        }
        catch (Exception e) when (Topology.Unreachable(e))
        {
            return (false, $"UNREACHABLE: {e.Message}");
        }
    }
}
