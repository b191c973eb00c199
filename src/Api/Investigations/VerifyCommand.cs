using System.Text.Json;
using Ledger.Api.Hosting;
using Ledger.Chain;
using NodaTime;

namespace Ledger.Api.Investigations;

/// <summary>
/// <c>verify [--checkpoints FILE]</c>: recomputes the chain (against stored checkpoints and, when
/// given, checkpoints kept outside the database) and checks the derived tables against the
/// events. Exit 0 when all is intact, 1 when anything is broken or differs.
/// <c>checkpoints export [FILE]</c> / <c>checkpoints sign</c>: export every signed checkpoint / sign one now.
/// </summary>
public static class VerifyCommand
{
    public static bool Matches(string[] args) => args.Length > 0 && args[0] is "verify" or "checkpoints";

    public static async Task<int> RunAsync(WebApplicationBuilder builder, string[] args)
    {
        var database = await LedgerDatabase.ResolveAsync(builder.Configuration);
        try
        {
            await database.MigrateAsync();
            var signer = CheckpointKey.Load(builder.Configuration, database.Embedded?.DataDirectory);
            var writer = new CheckpointWriter(database.Owner, signer, SystemClock.Instance);
            switch (args)
            {
                case ["verify", ..]:
                    var file = args.SkipWhile(a => a != "--checkpoints").Skip(1).FirstOrDefault();
                    var external = file is null ? [] : CheckpointJson.Parse(JsonDocument.Parse(File.ReadAllText(file)).RootElement.GetProperty("checkpoints"));
                    var result = await new ChainVerifier(database.Owner, signer, Console.WriteLine).VerifyAsync(external, CancellationToken.None);
                    Console.WriteLine(result.Ok
                        ? $"OK: {result.EventsChecked:N0} events chained and intact; {result.CheckpointsChecked} checkpoint(s) match; " +
                          "the derived tables equal the events"
                        : (result.ChainIntact
                            ? $"DIFFERS: the chain is intact, but derived tables differ from the events ({string.Join(", ", result.DifferingTables)}):\n  "
                            : $"BROKEN from sequence {result.FirstBrokenSequence}:\n  ")
                          + string.Join("\n  ", result.Problems.Select(p => $"{p.Sequence}: {p.What}")));
                    // A restored older backup verifies on its own: compare with the checkpoint kept outside too.
                    var trustedFile = new TrustedCheckpointFile(args.SkipWhile(a => a != "--trusted").Skip(1).FirstOrDefault()
                                                                ?? builder.Configuration["LEDGER_TRUSTED_CHECKPOINT_FILE"]);
                    var rollback = await RollbackCheck.CompareAsync(database.Owner, signer, trustedFile.Read(), CancellationToken.None);
                    Console.WriteLine($"{(rollback.Blocks ? "ROLLBACK" : "trusted checkpoint")}: {rollback.State}: {rollback.Explanation}");
                    return result.Ok && !rollback.Blocks ? 0 : 1;
                case ["checkpoints", "sign"]:
                    var made = await writer.WriteAsync(CancellationToken.None);
                    Console.WriteLine(made is null ? "nothing to sign: the chain is empty or its head is already signed" : made.Message);
                    return 0;
                case ["checkpoints", "export", ..]:
                    var all = await writer.AllAsync(CancellationToken.None);
                    var json = JsonSerializer.Serialize(new { publicKey = signer.PublicKeyPem(), checkpoints = all.Select(CheckpointJson.Of) },
                        new JsonSerializerOptions { WriteIndented = true });
                    if (args.Length > 2) await File.WriteAllTextAsync(args[2], json);
                    else Console.WriteLine(json);
                    return 0;
                default:
                    Console.Error.WriteLine("usage: verify [--checkpoints FILE] [--trusted FILE] | checkpoints sign | checkpoints export [FILE]");
                    return 2;
            }
        }
        finally
        {
            if (database.Embedded is not null) await database.Embedded.StopAsync();
        }
    }
}
