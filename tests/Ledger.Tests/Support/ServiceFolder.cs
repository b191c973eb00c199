namespace Ledger.Tests.Support;

/// <summary>
/// The throwaway folder of a service the tests start as a child process, and the checkpoint signing
/// key it keeps beside that folder: both go when the test ends, or private keys pile up in /tmp.
/// </summary>
public static class ServiceFolder
{
    public static string KeyFile(string dir) => dir + "-key.pem";

    public static void Remove(string dir)
    {
        try { Directory.Delete(dir, recursive: true); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        File.Delete(KeyFile(dir));
    }
}
