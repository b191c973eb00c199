using Ledger.Access;
using Ledger.Api.Hosting;
using Ledger.Regions;
using Ledger.Storage;
using NodaTime;

namespace Ledger.Api.Access;

/// <summary><c>keys issue --name N --role R --scope S</c>: issues a key from the command line (prints it once).</summary>
public static class KeysCommand
{
    public static bool Matches(string[] args) => args.Length > 0 && args[0] == "keys";

    public static async Task<int> RunAsync(WebApplicationBuilder builder, string[] args)
    {
        string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var name = Option("--name");
        var role = ApiClient.ParseRole(Option("--role"));
        var scope = Option("--scope") ?? RegionCodes.Nation;
        if (args.Length < 2 || args[1] != "issue")
        {
            Console.Error.WriteLine("usage: keys issue --name NAME --role writer|auditor|investigator|admin [--scope 000000]");
            return 2;
        }
        var errors = AdminKeyEndpoints.Check(name, role, scope).ToList();
        foreach (var e in errors) Console.Error.WriteLine($"--{e.Field}: {e.Message}");
        if (errors.Count > 0) return 2;

        var database = await LedgerDatabase.ResolveAsync(builder.Configuration);
        await database.MigrateAsync();
        var (dataSource, embedded) = (database.Owner, database.Embedded);
        try
        {
            await using var store = LedgerStore.Create(dataSource);
            using var directory = new ApiKeyDirectory(store, SystemClock.Instance, builder.Configuration);
            if (await directory.IssueAsync(name!, role!.Value, scope, issuer: null, CancellationToken.None) is not { } issued)
            {
                Console.Error.WriteLine($"--name: a key named '{name}' (or a look-alike of it) already exists, or the name is reserved");
                return 1;
            }
            var (key, secret) = issued;
            Console.WriteLine($"id:    {key.Id}\nkey:   {secret}\nrole:  {key.Role}\nscope: {key.Scope}\n(the key is shown only now)");
            return 0;
        }
        finally
        {
            if (embedded is not null) await embedded.StopAsync();
        }
    }
}
