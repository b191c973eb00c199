using System.Text.Json;
using JasperFx.CommandLine;
using Ledger.Api.Hosting;
using Ledger.Api.Investigations;
using Ledger.Chain;

namespace Ledger.Api.Commands;

public sealed class VerifyInput
{
    [Description("a checkpoints file exported earlier (checkpoints export): the chain must still match each")]
    public string? CheckpointsFlag { get; set; }

    [Description("the trusted checkpoint kept outside the database (default LEDGER_TRUSTED_CHECKPOINT_FILE)")]
    public string? TrustedFlag { get; set; }
}

/// <summary>
/// Recomputes the chain (against stored checkpoints and, when given, checkpoints kept outside the
/// database), checks the derived tables against the events, and compares with the trusted
/// checkpoint. Exit 0 when all is intact, 1 when anything is broken, differs or is rolled back.
/// </summary>
[Description("Verify the hash chain, checkpoints and derived tables (exit 1 when anything is wrong)", Name = "verify")]
public sealed class VerifyCommand : JasperFxAsyncCommand<VerifyInput>
{
    private readonly IConfiguration _config;
    private readonly TextWriter _out;

    public VerifyCommand(IConfiguration config, TextWriter output)
    {
        (_config, _out) = (config, output);
        Usage("verify everything").ValidFlags(x => x.CheckpointsFlag!, x => x.TrustedFlag!);
    }

    public override async Task<bool> Execute(VerifyInput input)
    {
        IReadOnlyList<Checkpoint> external;
        try
        {
            external = input.CheckpointsFlag is null ? []
                : CheckpointJson.Parse(JsonDocument.Parse(await File.ReadAllTextAsync(input.CheckpointsFlag)).RootElement.GetProperty("checkpoints"));
        }
        catch (Exception e) when (e is IOException or JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            await _out.WriteLineAsync($"--checkpoints: cannot read {input.CheckpointsFlag}: {e.Message}");
            return false;
        }
        return await LedgerDatabaseSession.WithDatabaseAsync(_config, async database =>
        {
            var signer = CheckpointKey.Load(_config, database.Embedded?.DataDirectory);
            var result = await new ChainVerifier(database.Owner, signer, _out.WriteLine).VerifyAsync(external, CancellationToken.None);
            await _out.WriteLineAsync(result.Ok
                ? $"OK: {result.EventsChecked:N0} events chained and intact; {result.CheckpointsChecked} checkpoint(s) match; " +
                  "the derived tables equal the events"
                : (result.ChainIntact
                    ? $"DIFFERS: the chain is intact, but derived tables differ from the events ({string.Join(", ", result.DifferingTables)}):\n  "
                    : $"BROKEN from sequence {result.FirstBrokenSequence}:\n  ")
                  + string.Join("\n  ", result.Problems.Select(p => $"{p.Sequence}: {p.What}")));
            // A restored older backup verifies on its own: compare with the checkpoint kept outside too.
            var trusted = new TrustedCheckpointFile(input.TrustedFlag ?? _config["LEDGER_TRUSTED_CHECKPOINT_FILE"]);
            var rollback = await RollbackCheck.CompareAsync(database.Owner, signer, trusted.Read(), CancellationToken.None);
            await _out.WriteLineAsync($"{(rollback.Blocks ? "ROLLBACK" : "trusted checkpoint")}: {rollback.State}: {rollback.Explanation}");
            return result.Ok && !rollback.Blocks;
        });
    }
}
