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
        Write(file, signer.PrivateKeyPem());
        return signer;
    }

    /// <summary>
    /// Created 0600 in one step (in a 0700 folder when we create it): writing first and chmod-ing
    /// after left the key readable by everyone for a moment. CreateNew never writes through a
    /// file or link someone put there in the meantime.
    /// </summary>
    private static void Write(string file, string pem)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(file))!;
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (OperatingSystem.IsWindows())
            Directory.CreateDirectory(folder);
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using var writer = new StreamWriter(file, options);
        writer.Write(pem);
    }
}
