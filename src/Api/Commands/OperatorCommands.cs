using JasperFx.CommandLine;

namespace Ledger.Api.Commands;

/// <summary>
/// The operator's commands (<c>keys</c>, <c>flows</c>, <c>verify</c>, <c>checkpoints</c>, <c>shards</c>) through
/// JasperFx's command framework: its parser, its usage text (<c>Ledger.Api.dll help keys</c>) and
/// its exit codes. They run before any host is built: each resolves the database itself, as the
/// schema owner where it must (a flows rebuild replaces rows the runtime role may not delete).
/// Everything else on the command line goes on to the host's own JasperFx commands (<c>db-apply</c>, …).
/// </summary>
public static class OperatorCommands
{
    private static readonly Type[] Commands = [typeof(KeysCommand), typeof(FlowsCommand), typeof(VerifyCommand), typeof(CheckpointsCommand), typeof(ShardsCommand)];
    private static readonly string[] Names = ["keys", "flows", "verify", "checkpoints", "shards"];

    public static bool Matches(string[] args) =>
        args.Length > 0 && (Names.Contains(args[0]) || (args[0] == "help" && (args.Length == 1 || Names.Contains(args[1]))));

    /// <summary>Runs one command; its lines go to <paramref name="output"/> (the console, or a test's writer).</summary>
    public static Task<int> RunAsync(IConfiguration config, string[] args, TextWriter output)
    {
        var executor = CommandExecutor.For(f =>
        {
            foreach (var c in Commands) f.RegisterCommand(c);
            f.SetAppName("Ledger.Api.dll");
        }, new Creator(config, output));
        return executor.ExecuteAsync(args);
    }

    /// <summary>Gives each command the configuration and the output writer.</summary>
    private sealed class Creator(IConfiguration config, TextWriter output) : ICommandCreator
    {
        public IJasperFxCommand CreateCommand(Type commandType) => (IJasperFxCommand)Activator.CreateInstance(commandType, config, output)!;

        public object CreateModel(Type modelType) => Activator.CreateInstance(modelType)!;
    }
}
