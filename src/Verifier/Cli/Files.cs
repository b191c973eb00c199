namespace LedgerVerify;

/// <summary>Reading the files a command line names: a file that cannot be read is a usage error (exit 2), not invalid evidence.</summary>
internal static class Files
{
    public static byte[] Read(string path, string what, long maxBytes)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) throw new UsageError($"{what} {path} does not exist");
            if (info.Length > maxBytes) throw new UsageError($"{what} {path} is larger than {maxBytes} bytes");
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageError($"cannot read {what} {path}: {e.Message}");
        }
    }

    /// <summary>The policy the user trusts; a policy that does not parse cannot be used (exit 2).</summary>
    public static Policy ReadPolicy(string path)
    {
        var bytes = Read(path, "policy", Policy.MaxBytes);
        try
        {
            return Policy.Parse(bytes);
        }
        catch (FormatException e)
        {
            throw new UsageError($"policy {path}: {e.Message}");
        }
    }
}
