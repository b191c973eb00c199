using Ledger.Storage;
using Ledger.Transparency;

namespace Ledger.Api.Hosting;

/// <summary>
/// The witness policy (contract 1.6): <c>LEDGER_WITNESS_POLICY_FILE</c>, a c2sp.org/tlog-policy file
/// whose <c>witness</c> lines carry each witness's submission URL; <c>LEDGER_WITNESS_SECONDS</c>
/// (default 10) bounds how long after the log grows its newest checkpoint is cosigned. Without a
/// file the policy is <c>quorum none</c>: readers get the newest log-signed checkpoint.
/// </summary>
public sealed class WitnessConfig(WitnessPolicy policy, TimeSpan within)
{
    public WitnessPolicy Policy => policy;

    /// <summary>How long after the log grows its newest checkpoint should be cosigned.</summary>
    public TimeSpan Within => within;

    /// <summary>Witnesses the service submits to (a witness line without a URL only counts for readers).</summary>
    public bool Submits => policy.Witnesses.Any(w => w.Url is not null);

    public static WitnessConfig Load(IConfiguration config)
    {
        var seconds = OperatorSettings.WitnessSeconds.Read(n => config[n]);
        if (config["LEDGER_WITNESS_POLICY_FILE"] is not { Length: > 0 } file) return new WitnessConfig(WitnessPolicy.NoQuorum, TimeSpan.FromSeconds(seconds));
        if (!File.Exists(file)) throw new StartupRefusedException($"LEDGER_WITNESS_POLICY_FILE '{file}' does not exist");
        if (!WitnessPolicy.TryParse(File.ReadAllText(file), out var policy, out var problem))
            throw new StartupRefusedException($"LEDGER_WITNESS_POLICY_FILE '{file}' is not a tlog-policy: {problem}");
        if (policy.NeedsCosignatures && !policy.Witnesses.Any(w => w.Url is not null))
            throw new StartupRefusedException($"LEDGER_WITNESS_POLICY_FILE '{file}' needs cosignatures but names no witness URL to ask for them: " +
                                              "add each witness's submission URL to its witness line");
        return new WitnessConfig(policy, TimeSpan.FromSeconds(seconds));
    }
}
