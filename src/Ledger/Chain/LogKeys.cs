using System.Collections.Concurrent;
using Ledger.Transparency;

namespace Ledger.Chain;

/// <summary>
/// The log key (Ed25519, its own key: not the ECDSA checkpoint key) and the origins it signs as:
/// <c>LEDGER_LOG_ORIGIN</c> (default <c>ledger.localhost</c>) + <c>/</c> + the database's name. One
/// key signs every database's log; each origin is a key name of its own, so each log has its own
/// verifier key (the key id covers the name). <see cref="Enabled"/> unless <c>LEDGER_LOG=0</c>: the
/// log is kept by default (decisions 51 and 71, docs/transparency-log.md).
/// </summary>
public sealed class LogKeys(byte[] seed, string originPrefix, bool enabled = true) : IDisposable
{
    public const string DefaultOrigin = "ledger.localhost";

    public bool Enabled => enabled;

    /// <summary>The signer for a database's log when the log is kept, else null.</summary>
    public Ed25519NoteSigner? SignerIfEnabled(string database) => enabled ? SignerFor(database) : null;

    private readonly ConcurrentDictionary<string, Ed25519NoteSigner> _signers = new(StringComparer.Ordinal);

    public string Origin(string database) => $"{originPrefix}/{database}";

    public Ed25519NoteSigner SignerFor(string database) => _signers.GetOrAdd(database, d => Ed25519NoteSigner.FromSeed(Origin(d), seed));

    public static LogKeys Generate(string originPrefix = DefaultOrigin, bool enabled = true)
    {
        using var signer = Ed25519NoteSigner.Generate(originPrefix);
        return new LogKeys(signer.ExportSeed(), originPrefix, enabled);
    }

    public void Dispose()
    {
        foreach (var s in _signers.Values) s.Dispose();
    }
}
