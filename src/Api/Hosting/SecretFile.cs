namespace Ledger.Api.Hosting;

/// <summary>Key and password files the service generates for itself.</summary>
public static class SecretFile
{
    /// <summary>
    /// Created 0600 in one step (in a 0700 folder when we create it): writing first and chmod-ing
    /// after left the key readable by everyone for a moment. CreateNew never writes through a
    /// file or link someone put there in the meantime.
    /// </summary>
    public static void Create(string file, string content)
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
        writer.Write(content);
    }
}
