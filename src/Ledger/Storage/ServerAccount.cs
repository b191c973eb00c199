namespace Ledger.Storage;

/// <summary>
/// Who the embedded server runs as. PostgreSQL refuses to run as root, so as root every server
/// command runs as the <c>postgres</c> OS user (through runuser) and what it must own is handed
/// to it; otherwise the server and this process are one user.
/// </summary>
public static class ServerAccount
{
    public const string Name = "postgres";

    public static bool IsRoot => Environment.UserName == "root";

    /// <summary>
    /// A folder for the cluster, its socket directory and key files: 0700. As root the server user
    /// must pass through it to reach its data: then 0710 with the server user's group, so it may
    /// enter but, like everyone else, not list.
    /// </summary>
    public static void PrivateFolder(string dir)
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("The embedded cluster needs Unix sockets; set LEDGER_DB.");
        const UnixFileMode owner = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Directory.CreateDirectory(dir, owner);
        if (IsRoot) ProcessRunner.Run("chgrp", Name, dir).GetAwaiter().GetResult();
        File.SetUnixFileMode(dir, IsRoot ? owner | UnixFileMode.GroupExecute : owner);
    }

    /// <summary>Gives <paramref name="path"/> (recursively) to the server user when we are root.</summary>
    public static Task HandOver(string path, bool recursive = true) =>
        !IsRoot ? Task.CompletedTask
        : recursive ? ProcessRunner.Run("chown", "-R", $"{Name}:{Name}", path)
        : ProcessRunner.Run("chown", $"{Name}:{Name}", path);

    /// <summary>Runs a server binary as the server user.</summary>
    public static Task Run(string exe, params string[] args) =>
        IsRoot ? ProcessRunner.Run("runuser", ["-u", Name, "--", exe, .. args]) : ProcessRunner.Run(exe, args);
}
