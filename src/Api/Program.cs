using JasperFx;
using Ledger.Api.Access;
using Ledger.Api.Hosting;

var builder = WebApplication.CreateBuilder(args);
if (KeysCommand.Matches(args)) return await KeysCommand.RunAsync(builder, args);

await builder.AddLedgerAsync();
var app = builder.Build();
app.UseLedger();
return await app.RunJasperFxCommands(args);

public partial class Program;
