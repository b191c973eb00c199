using JasperFx;
using Ledger.Api.Commands;
using Ledger.Api.Hosting;

// Content root = the binary's folder, so appsettings.json is found whatever the working directory.
// An HTTP client of a running service: no database, no host.
if (Ledger.Api.Imports.ImportCommand.Matches(args)) return await Ledger.Api.Imports.ImportCommand.RunAsync(args, Console.Out, Console.Error);
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
// keys, flows, verify, checkpoints: JasperFx commands that resolve the database themselves, before any host.
if (OperatorCommands.Matches(args)) return await OperatorCommands.RunAsync(builder.Configuration, args, Console.Out);

WebApplication app;
try
{
    await builder.AddLedgerAsync();
    // Building resolves Kestrel, which first checks that every address it is to listen on is free (ListenerCheck).
    app = builder.Build();
}
catch (Ledger.Storage.StartupRefusedException refused)
{
    Console.Error.WriteLine($"Refusing to start: {refused.Message}");
    return 1;
}
app.UseLedger();
// Plain runs skip JasperFx's command discovery, which prints a page of "Searching ... for commands".
if (args.Length == 0)
{
    await app.RunAsync();
    return 0;
}
return await app.RunJasperFxCommands(args);

public partial class Program;
