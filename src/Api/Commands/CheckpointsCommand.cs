using System.Text.Json;
using JasperFx.CommandLine;
using Ledger.Api.Hosting;
using Ledger.Api.Investigations;
using Ledger.Chain;
using NodaTime;

namespace Ledger.Api.Commands;

public enum CheckpointsAction
{
    sign,
    export,
}

public sealed class CheckpointsInput
{
    [Description("sign: sign the chain head now; export: every signed checkpoint with the public key")]
    public CheckpointsAction Action { get; set; }

    [Description("export only: the file to write (default: print)")]
    public string? File { get; set; }
}

[Description("Sign the chain head now, or export every signed checkpoint", Name = "checkpoints")]
public sealed class CheckpointsCommand : JasperFxAsyncCommand<CheckpointsInput>
{
    private readonly IConfiguration _config;
    private readonly TextWriter _out;

    public CheckpointsCommand(IConfiguration config, TextWriter output)
    {
        (_config, _out) = (config, output);
        Usage("sign or export to the console").Arguments(x => x.Action);
        Usage("export to a file").Arguments(x => x.Action, x => x.File!);
    }

    public override Task<bool> Execute(CheckpointsInput input) => LedgerDatabaseSession.WithDatabaseAsync(_config, async database =>
    {
        var signer = CheckpointKey.Load(_config, database.Embedded?.DataDirectory);
        var writer = new CheckpointWriter(database.Owner, signer, SystemClock.Instance);
        if (input.Action == CheckpointsAction.sign)
        {
            var made = await writer.WriteAsync(CancellationToken.None);
            await _out.WriteLineAsync(made is null ? "nothing to sign: the chain is empty or its head is already signed" : made.Message);
            return true;
        }
        var all = await writer.AllAsync(CancellationToken.None);
        var json = JsonSerializer.Serialize(new { publicKey = signer.PublicKeyPem(), checkpoints = all.Select(CheckpointJson.Of) },
            new JsonSerializerOptions { WriteIndented = true });
        if (input.File is not null) await System.IO.File.WriteAllTextAsync(input.File, json);
        else await _out.WriteLineAsync(json);
        return true;
    });
}
