using Ledger.Bench;

// infra/bench/run.sh ingest [--events N --batch N --clients N]   the HTTP ingest path beside a raw COPY
// infra/bench/run.sh sheets [--occupations N]                     flow rebuild and balance-sheet latency
var mode = args.FirstOrDefault() ?? "ingest";
switch (mode)
{
    case "ingest":
        await IngestBenchmark.RunAsync(Args.Int(args, "--events", 200_000), Args.Int(args, "--batch", 500), Args.Int(args, "--clients", 4));
        break;
    case "sheets":
        await SheetBenchmark.RunAsync(Args.Int(args, "--occupations", 480));
        break;
    default:
        Console.Error.WriteLine("usage: run.sh ingest|sheets [options]");
        return 2;
}
return 0;
