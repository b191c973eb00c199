namespace LedgerVerify;

/// <summary>
/// The witness's own Ed25519 key, kept in one file as the standard base64 of its 32-byte seed and a
/// newline. A missing file is created with mode 0600 (owner read/write only) and a new key.
/// </summary>
internal static class WitnessKey
{
    public static Ed25519.Signer LoadOrCreate(string path, TextWriter log)
    {
        if (!File.Exists(path)) Create(path, log);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageError($"cannot read the witness key {path}: {e.Message}");
        }
        var line = text.EndsWith('\n') ? text[..^1] : text;
        if (!StrictBase64.TryDecode(line, out var seed) || seed.Length != Ed25519.SeedSize)
            throw new UsageError($"the witness key {path} is not one line of base64 holding a 32-byte Ed25519 seed");
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
            log.WriteLine($"warning: the witness key {path} can be read or written by others than its owner (chmod 600 it)");
        return Ed25519.Signer.FromSeed(seed);
    }

    private static void Create(string path, TextWriter log)
    {
        using var signer = Ed25519.Signer.Generate();
        var bytes = System.Text.Encoding.ASCII.GetBytes(Convert.ToBase64String(signer.Seed()) + "\n");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using var file = new FileStream(path, options);
            file.Write(bytes);
            file.Flush(flushToDisk: true);
        }
        catch (IOException) when (File.Exists(path))
        {
            return; // Another process created it first: its key is the key.
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageError($"cannot create the witness key {path}: {e.Message}");
        }
        log.WriteLine($"generated a new witness key in {path}");
    }
}
