using System.Text.Json;
using JasperFx.CommandLine;
using Ledger.Api.Hosting;
using Ledger.Api.Investigations;
using Ledger.Chain;
using Ledger.Storage;

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
            using var logKeys = LogKey.Load(_config, database.Embedded?.DataDirectory);
            // With shards, every database is verified (as its owner), and the national checkpoints against each.
            var shards = _config["LEDGER_SHARDS_FILE"] is { Length: > 0 } file ? ShardsFile.Read(file, database.Owner.ConnectionString) : [];
            var databases = new List<(string Name, Npgsql.NpgsqlDataSource Db)> { (ShardsFile.Catalogue, database.Owner) };
            databases.AddRange(shards.Select(s => (s.Name, Postgis.DataSource(s.Connection, s.Name))));
            var ok = true;
            try
            {
                foreach (var (name, db) in databases)
                {
                    if (shards.Count > 0) await _out.WriteLineAsync($"database {name}:");
                    var result = await new ChainVerifier(db, signer, _out.WriteLine, logKeys.SignerIfEnabled(name)?.VerifierKey.ToVerifier()).VerifyAsync(name == ShardsFile.Catalogue ? external : [], CancellationToken.None);
                    ok &= result.Ok;
                    await _out.WriteLineAsync(Summary(result));
                }
                if (shards.Count > 0)
                {
                    var national = await NationalCheckpoints.CheckAsync(database.Owner, signer, databases.ToDictionary(d => d.Name, d => d.Db), CancellationToken.None);
                    ok &= national.Count == 0;
                    await _out.WriteLineAsync(national.Count == 0
                        ? "national checkpoints: every attested head is in its database's chain"
                        : "NATIONAL CHECKPOINTS BROKEN:\n  " + string.Join("\n  ", national.Select(n => $"database {n.Shard}: {n.What}")));
                }
            }
            finally
            {
                foreach (var (_, db) in databases.Skip(1)) await db.DisposeAsync();
            }
            // A restored older backup verifies on its own: compare with the checkpoint kept outside too.
            var trusted = new TrustedCheckpointFile(input.TrustedFlag ?? _config["LEDGER_TRUSTED_CHECKPOINT_FILE"]);
            var rollback = await RollbackCheck.CompareAsync(database.Owner, signer, trusted.Read(), CancellationToken.None);
            await _out.WriteLineAsync($"{(rollback.Blocks ? "ROLLBACK" : "trusted checkpoint")}: {rollback.State}: {rollback.Explanation}");
            return ok && !rollback.Blocks;
        });
    }

    private static string Summary(VerifyResult result) => result.Ok
        ? $"OK: {result.EventsChecked:N0} events chained and intact; {result.CheckpointsChecked} checkpoint(s) match; the derived tables equal the events"
        : (result.ChainIntact
              ? $"DIFFERS: the chain is intact, but derived tables differ from the events ({string.Join(", ", result.DifferingTables)}):\n  "
              : $"BROKEN from sequence {result.FirstBrokenSequence}:\n  ")
          + string.Join("\n  ", result.Problems.Select(p => $"{p.Sequence}: {p.What}"));
}
