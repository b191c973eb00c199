using Ledger.Chain;

namespace Ledger.Api.Hosting;

/// <summary>
/// The checkpoint signing key: <c>LEDGER_CHECKPOINT_KEY</c> (PEM) or <c>LEDGER_CHECKPOINT_KEY_FILE</c>;
/// otherwise a key is generated once into <c>.data/checkpoint-key.pem</c> (beside the embedded
/// cluster, or in the checkout for a <c>LEDGER_DB</c> deployment) and the file is named at start.
/// In production keep it outside the database host.
/// </summary>
public static class CheckpointKey
{
    public static CheckpointSigner Load(IConfiguration config, string? embeddedDataDir)
    {
        if (config["LEDGER_CHECKPOINT_KEY"] is { Length: > 0 } pem) return CheckpointSigner.FromPem(pem);
        var file = config["LEDGER_CHECKPOINT_KEY_FILE"]
                   ?? Path.Combine(embeddedDataDir is null ? Path.Combine(LedgerDatabase.FindRepoRoot(), ".data") : Path.GetDirectoryName(embeddedDataDir)!,
                       "checkpoint-key.pem");
        if (File.Exists(file)) return CheckpointSigner.FromPem(File.ReadAllText(file));
        var signer = CheckpointSigner.Generate();
        SecretFile.Create(file, signer.PrivateKeyPem());
        Console.WriteLine($"Generated a checkpoint signing key into {file}: keep it (and a copy) off the database host; " +
                          "LEDGER_CHECKPOINT_KEY_FILE names where it lives.");
        return signer;
    }
}
