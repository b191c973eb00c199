using JasperFx.CommandLine;
using Ledger.Flows;

namespace Ledger.Api.Commands;

public enum FlowsAction
{
    check,
    rebuild,
}

public sealed class FlowsInput
{
    [Description("check: compare only; rebuild: compare, then replace the live rows")]
    public FlowsAction Action { get; set; }
}

/// <summary>
/// Rebuilds the balance-sheet flows from the events into scratch tables and compares them with the
/// live ones (and, for <c>rebuild</c>, replaces the live rows). Exit 0 when they matched, 1 when not.
/// </summary>
[Description("Rebuild the flows from the events and compare them with the live ones (exit 1 on drift)", Name = "flows")]
public sealed class FlowsCommand : JasperFxAsyncCommand<FlowsInput>
{
    private readonly IConfiguration _config;
    private readonly TextWriter _out;

    public FlowsCommand(IConfiguration config, TextWriter output)
    {
        (_config, _out) = (config, output);
        Usage("check or rebuild").Arguments(x => x.Action);
    }

    public override Task<bool> Execute(FlowsInput input) => LedgerDatabaseSession.WithDatabaseAsync(_config, async database =>
    {
        var result = await new FlowRebuilder(database.Owner, _out.WriteLine).RunAsync(replace: input.Action == FlowsAction.rebuild, CancellationToken.None);
        await _out.WriteLineAsync(result.Matches
            ? $"OK: the rebuilt flows equal the live ones ({result.EventsPerSecond:N0} events/s)"
            : $"DRIFT: {result.ExtraInLive} live rows are not in the rebuild, {result.MissingFromLive} rebuilt rows are not live"
              + (result.Replaced ? " (live rows now replaced by the rebuild)" : ""));
        return result.Matches;
    });
}
