using Ledger.Chain;
using Ledger.Storage;

namespace Ledger.Api.Hosting;

/// <summary>
/// The log's Ed25519 key (contract 1.6): <c>LEDGER_LOG_KEY</c> (the base64 32-byte seed) or
/// <c>LEDGER_LOG_KEY_FILE</c>; otherwise generated once, 0600, into <c>.data/log-key</c> beside the
/// checkpoint key. Its own key, not the ECDSA checkpoint key: whoever holds it can sign the log's
/// history, so keep it off the database host, like that one.
/// </summary>
public static class LogKey
{
    public static LogKeys Load(IConfiguration config, string? embeddedDataDir)
    {
        var origin = config["LEDGER_LOG_ORIGIN"] is { Length: > 0 } o ? o : LogKeys.DefaultOrigin;
        // Kept unless turned off (decisions 51 and 71): with the log the ingest runs at 0.92–0.99× of itself.
        var enabled = OperatorSettings.Log.Read(n => config[n]);
        if (!Transparency.NoteKeys.IsValidName(origin + "/catalogue"))
            throw new StartupRefusedException($"LEDGER_LOG_ORIGIN '{origin}' is not a signed-note key name (printable, no spaces, no '+')");
        if (config["LEDGER_LOG_KEY"] is { Length: > 0 } given) return new LogKeys(Seed(given, "LEDGER_LOG_KEY"), origin, enabled);
        // Nothing is signed without the log: no key file is made for it.
        if (!enabled && config["LEDGER_LOG_KEY_FILE"] is not { Length: > 0 }) return LogKeys.Generate(origin, enabled: false);
        var file = config["LEDGER_LOG_KEY_FILE"]
                   ?? Path.Combine(embeddedDataDir is null ? Path.Combine(LedgerDatabase.FindRepoRoot(), ".data") : Path.GetDirectoryName(embeddedDataDir)!,
                       "log-key");
        if (!File.Exists(file))
        {
            var generated = LogKeys.Generate(origin);
            try
            {
                SecretFile.Create(file, Convert.ToBase64String(generated.SignerFor("catalogue").ExportSeed()) + "\n");
                Console.WriteLine($"Generated the transparency log's Ed25519 key into {file}: keep it (and a copy) off the database host; " +
                                  "LEDGER_LOG_KEY_FILE names where it lives.");
            }
            catch (IOException) when (File.Exists(file))
            {
                // Another node on this host generated it first: use theirs.
            }
        }
        return new LogKeys(Seed(File.ReadAllText(file).Trim(), file), origin, enabled);
    }

    private static byte[] Seed(string base64, string source)
    {
        var seed = new byte[32];
        return Convert.TryFromBase64String(base64.Trim(), seed, out var n) && n == 32
            ? seed
            : throw new StartupRefusedException($"{source} does not hold a log key (the base64 of a 32-byte Ed25519 seed)");
    }
}
