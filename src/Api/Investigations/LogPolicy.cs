using Ledger.Api.Hosting;
using Ledger.Chain;

namespace Ledger.Api.Investigations;

/// <summary>
/// The C2SP tlog-policy the ledger gives readers (<c>GET /api/v1/ledger/logs</c>, the <c>policy</c>
/// of every evidence bundle): one <c>log</c> line per database, and no witnesses yet (<c>quorum
/// none</c>). Kept in one place so the witnesses' lines and quorum land in both at once.
/// </summary>
public static class LogPolicy
{
    public static string Text(Topology topology, LogKeys keys) =>
        string.Concat(topology.All.Select(d => $"log {keys.SignerFor(d.Name).VerifierKey}\n")) + "quorum none\n";
}
