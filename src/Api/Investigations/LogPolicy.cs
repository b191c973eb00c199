using Ledger.Api.Hosting;
using Ledger.Chain;

namespace Ledger.Api.Investigations;

/// <summary>
/// The C2SP tlog-policy the ledger gives readers (<c>GET /api/v1/ledger/logs</c>, the <c>policy</c>
/// of every evidence bundle): one <c>log</c> line per database, then the witnesses, groups and
/// quorum of <c>LEDGER_WITNESS_POLICY_FILE</c> without their URLs (<c>quorum none</c> without one).
/// </summary>
public static class LogPolicy
{
    public static string Text(Topology topology, LogKeys keys, WitnessConfig witnesses) =>
        witnesses.Policy.WithLogs(topology.All.Select(d => keys.SignerFor(d.Name).VerifierKey)).ToText();
}
