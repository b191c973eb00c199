using System.Security.Cryptography;

namespace Ledger.Api.Hosting;

/// <summary>
/// The runtime role's password where the database wants one: <c>LEDGER_APP_PASSWORD</c>, or one
/// generated once into <c>LEDGER_APP_PASSWORD_FILE</c> (default <c>.data/app-role-password</c>,
/// created 0600) and set on the role at every start, so two settings (<c>LEDGER_DB</c>,
/// <c>LEDGER_URLS</c>) are enough to run as the append-only role.
/// </summary>
public static class AppRolePassword
{
    public static string Load(IConfiguration config, string dataFolder)
    {
        if (config["LEDGER_APP_PASSWORD"] is { Length: > 0 } given) return given;
        var file = config["LEDGER_APP_PASSWORD_FILE"] is { Length: > 0 } f ? f : Path.Combine(dataFolder, "app-role-password");
        if (File.Exists(file)) return File.ReadAllText(file).Trim();
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        SecretFile.Create(file, password);
        Console.WriteLine($"Generated the runtime role's password into {file} (keep it with the service's configuration).");
        return password;
    }
}
