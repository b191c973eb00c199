using Ledger.Chain;

namespace Ledger.Api.Hosting;

/// <summary>
/// The checkpoint signing key: <c>LEDGER_CHECKPOINT_KEY</c> (PEM) or <c>LEDGER_CHECKPOINT_KEY_FILE</c>;
/// for the embedded default a key is generated once into <c>.data/checkpoint-key.pem</c>.
/// In production keep it outside the database host.
/// </summary>
public static class CheckpointKey
{
    public static CheckpointSigner Load(IConfiguration config, string? embeddedDataDir)
    {
        if (config["LEDGER_CHECKPOINT_KEY"] is { Length: > 0 } pem) return CheckpointSigner.FromPem(pem);
        var file = config["LEDGER_CHECKPOINT_KEY_FILE"]
                   ?? (embeddedDataDir is null ? null : Path.Combine(Path.GetDirectoryName(embeddedDataDir)!, "checkpoint-key.pem"));
        if (file is null)
            throw new InvalidOperationException("Set LEDGER_CHECKPOINT_KEY (PEM) or LEDGER_CHECKPOINT_KEY_FILE: checkpoints must be signed with a key kept outside the database.");
        if (File.Exists(file)) return CheckpointSigner.FromPem(File.ReadAllText(file));
        var signer = CheckpointSigner.Generate();
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, signer.PrivateKeyPem());
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return signer;
    }
}
