using JasperFx.CommandLine;
using Ledger.Access;
using Ledger.Api.Access;
using Ledger.Regions;
using Ledger.Storage;
using NodaTime;

namespace Ledger.Api.Commands;

public enum KeysAction
{
    issue,
}

public sealed class KeysInput
{
    [Description("what to do: issue")]
    public KeysAction Action { get; set; }

    [Description("the key holder's name, unique")]
    public string? NameFlag { get; set; }

    [Description("writer, auditor, investigator or admin")]
    public string? RoleFlag { get; set; }

    [Description("the region code the key may act in (default 000000, the nation)")]
    public string ScopeFlag { get; set; } = RegionCodes.Nation;
}

[Description("Issue an API key; the key is printed once", Name = "keys")]
public sealed class KeysCommand : JasperFxAsyncCommand<KeysInput>
{
    private readonly IConfiguration _config;
    private readonly TextWriter _out;

    public KeysCommand(IConfiguration config, TextWriter output)
    {
        (_config, _out) = (config, output);
        Usage("issue a key").Arguments(x => x.Action).ValidFlags(x => x.NameFlag!, x => x.RoleFlag!, x => x.ScopeFlag);
    }

    public override async Task<bool> Execute(KeysInput input)
    {
        var role = ApiClient.ParseRole(input.RoleFlag);
        var errors = AdminKeyEndpoints.Check(input.NameFlag, role, input.ScopeFlag).ToList();
        foreach (var e in errors) await _out.WriteLineAsync($"--{e.Field}: {e.Message}");
        if (errors.Count > 0) return false;

        return await LedgerDatabaseSession.WithDatabaseAsync(_config, async database =>
        {
            await using var store = LedgerStore.Create(database.Owner);
            using var directory = new ApiKeyDirectory(store, SystemClock.Instance, _config);
            if (await directory.IssueAsync(input.NameFlag!, role!.Value, input.ScopeFlag, issuer: null, CancellationToken.None) is not { } issued)
            {
                await _out.WriteLineAsync($"--name: a key named '{input.NameFlag}' (or a look-alike of it) already exists, or the name is reserved");
                return false;
            }
            var (key, secret) = issued;
            await _out.WriteLineAsync($"id:    {key.Id}\nkey:   {secret}\nrole:  {key.Role}\nscope: {key.Scope}\n(the key is shown only now)");
            return true;
        });
    }
}
