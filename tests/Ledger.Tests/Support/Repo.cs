namespace Ledger.Tests.Support;

public static class Repo
{
    /// <summary>The repository root (the folder holding Ledger.sln) above the test binaries.</summary>
    public static string Root { get; } = Find();

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Ledger.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Ledger.sln not found above the test binaries");
    }
}
